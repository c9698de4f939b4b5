//===- PlanWorkspace.cpp - Every intermediate in one planned workspace ----===//
//
//   %a = memref.alloc(%n) : memref<?x64x32x32xf32>
// becomes
//   %a = memref.view %workspace[%offset][%n] : memref<?xi8> to
//        memref<?x64x32x32xf32>
// with %offset = fixed bytes + a multiple of the batch, chosen so that
// buffers alive at the same time never overlap.
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/Common/Passes.h"
#include "compiler/Dialect/DL/IR/FunctionNames.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Matchers.h"

namespace dlc {
#define GEN_PASS_DEF_PLANWORKSPACE
#include "compiler/Codegen/Common/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// One allocation to place: `bytes` in all, or per sample when `batched`,
/// alive from position `first` to `last` of the function's body.
struct Buffer {
  memref::AllocOp alloc;
  int64_t bytes;
  bool batched;
  int64_t multiple; // of the batch, in the dynamic size
  unsigned first, last;
  int64_t offset = 0;
};

std::optional<int64_t> batchMultiple(Value size);

/// k when dimension `i` of `memref` is k times the batch. The batch is the
/// size of a dynamic dimension of an argument of the function: the only
/// dynamic dimension of the ABI. Views are followed to what they view.
std::optional<int64_t> dimMultiple(Value memref, int64_t i) {
  auto type = cast<MemRefType>(memref.getType());
  if (!type.isDynamicDim(i))
    return std::nullopt;
  if (auto arg = dyn_cast<BlockArgument>(memref))
    return isa<func::FuncOp>(arg.getOwner()->getParentOp())
               ? std::optional<int64_t>(1)
               : std::nullopt;
  Operation *def = memref.getDefiningOp();
  unsigned dynamicIndex = type.getDynamicDimIndex(i);
  if (isa<memref::AllocOp, memref::ViewOp, memref::ExpandShapeOp>(def))
    return batchMultiple(def->getOperands().take_back(
        type.getNumDynamicDims())[dynamicIndex]);
  if (auto cast = dyn_cast<memref::CastOp>(def))
    return dimMultiple(cast.getSource(), i);
  // A loop carrying a buffer (a register-blocked nest) yields its init.
  if (auto loop = dyn_cast<scf::ForOp>(def))
    return dimMultiple(
        loop.getInitArgs()[cast<OpResult>(memref).getResultNumber()], i);
  if (auto subview = dyn_cast<memref::SubViewOp>(def)) {
    SmallVector<OpFoldResult> sizes = subview.getMixedSizes();
    if (sizes.size() != size_t(type.getRank())) // rank-reducing
      return std::nullopt;
    auto v = dyn_cast<Value>(sizes[i]);
    return v ? batchMultiple(v) : std::nullopt;
  }
  if (auto collapse = dyn_cast<memref::CollapseShapeOp>(def)) {
    // One dynamic source dimension in the group, times the static ones.
    MemRefType source = collapse.getSrcType();
    std::optional<int64_t> multiple;
    int64_t product = 1;
    for (int64_t d : collapse.getReassociationIndices()[i]) {
      if (!source.isDynamicDim(d)) {
        product *= source.getDimSize(d);
        continue;
      }
      if (multiple)
        return std::nullopt;
      multiple = dimMultiple(collapse.getSrc(), d);
      if (!multiple)
        return std::nullopt;
    }
    return multiple ? std::optional<int64_t>(*multiple * product)
                    : std::nullopt;
  }
  return std::nullopt;
}

/// k when `size` is k times the batch.
std::optional<int64_t> batchMultiple(Value size) {
  if (auto dim = size.getDefiningOp<memref::DimOp>()) {
    std::optional<int64_t> index = dim.getConstantIndex();
    return index ? dimMultiple(dim.getSource(), *index) : std::nullopt;
  }
  if (auto mul = size.getDefiningOp<arith::MulIOp>()) {
    APInt c;
    for (auto [x, y] : {std::pair(mul.getLhs(), mul.getRhs()),
                        std::pair(mul.getRhs(), mul.getLhs())})
      if (matchPattern(y, m_ConstantInt(&c)))
        if (std::optional<int64_t> k = batchMultiple(x))
          return *k * c.getSExtValue();
  }
  return std::nullopt;
}

/// The position of the last op of `body` that uses `root` or a memref made
/// from it (views, casts, the results of regions that yield it); none when
/// it is returned.
std::optional<unsigned>
lastUse(Value root, Block &body, const DenseMap<Operation *, unsigned> &order) {
  unsigned last = 0;
  SmallVector<Value> work = {root};
  DenseSet<Value> seen;
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (!seen.insert(v).second)
      continue;
    for (Operation *user : v.getUsers()) {
      if (isa<func::ReturnOp>(user))
        return std::nullopt;
      Operation *aliasing =
          user->hasTrait<OpTrait::IsTerminator>() ? user->getParentOp() : user;
      for (Value r : aliasing->getResults())
        if (isa<BaseMemRefType>(r.getType()))
          work.push_back(r);
      last = std::max(last, order.lookup(body.findAncestorOpInBlock(*user)));
    }
  }
  return last;
}

/// Moves the fixed-size buffers that loop bodies allocate (a tile's
/// scratch) out to the top level of `body`, where they are planned: a
/// buffer that no iteration yields is dead at the iteration's end, so all
/// iterations can share one.
void hoistOutOfLoops(Block &body) {
  SmallVector<memref::AllocOp> nested;
  body.walk([&](memref::AllocOp alloc) {
    if (alloc->getBlock() != &body && alloc->getNumOperands() == 0)
      nested.push_back(alloc);
  });
  for (memref::AllocOp alloc : nested) {
    SmallVector<Value> work = {alloc};
    DenseSet<Value> seen;
    bool escapes = false;
    while (!work.empty() && !escapes) {
      Value v = work.pop_back_val();
      if (!seen.insert(v).second)
        continue;
      for (Operation *user : v.getUsers()) {
        bool terminator = user->hasTrait<OpTrait::IsTerminator>();
        escapes |= terminator && user->getBlock()->findAncestorOpInBlock(
                                     *alloc) != nullptr;
        Operation *aliasing = terminator ? user->getParentOp() : user;
        for (Value r : aliasing->getResults())
          if (isa<BaseMemRefType>(r.getType()))
            work.push_back(r);
      }
    }
    if (!escapes)
      alloc->moveBefore(body.findAncestorOpInBlock(*alloc));
  }
}

/// The copy of `buffer` into an argument that nothing else uses, when it is
/// buffer's last use: the buffer can be that argument.
Operation *copyIntoOutput(memref::AllocOp alloc, unsigned last,
                          const DenseMap<Operation *, unsigned> &order,
                          Block &body) {
  for (Operation *user : alloc->getUsers()) {
    Value from, to;
    if (auto copy = dyn_cast<linalg::CopyOp>(user)) {
      from = copy.getInputs()[0];
      to = copy.getOutputs()[0];
    } else if (auto copy = dyn_cast<memref::CopyOp>(user)) {
      from = copy.getSource();
      to = copy.getTarget();
    } else {
      continue;
    }
    auto arg = dyn_cast<BlockArgument>(to);
    if (from == alloc.getResult() && arg && arg.getOwner() == &body &&
        arg.hasOneUse() && arg.getType() == alloc.getType() &&
        order.lookup(user) == last)
      return user;
  }
  return nullptr;
}

/// Greedy by size: each buffer, largest first, at the lowest offset where
/// it overlaps no placed buffer alive at the same time. Returns the bytes
/// the placement spans.
int64_t place(SmallVector<Buffer *> &buffers) {
  llvm::stable_sort(buffers, [](Buffer *a, Buffer *b) {
    return a->bytes > b->bytes;
  });
  SmallVector<Buffer *> placed;
  int64_t end = 0;
  for (Buffer *buffer : buffers) {
    SmallVector<Buffer *> alive;
    for (Buffer *other : placed)
      if (other->first <= buffer->last && buffer->first <= other->last)
        alive.push_back(other);
    llvm::sort(alive, [](Buffer *a, Buffer *b) { return a->offset < b->offset; });
    int64_t offset = 0;
    for (Buffer *other : alive) {
      if (offset + buffer->bytes <= other->offset)
        break;
      offset = std::max(offset, other->offset + other->bytes);
    }
    buffer->offset = offset;
    placed.push_back(buffer);
    end = std::max(end, offset + buffer->bytes);
  }
  return end;
}

struct PlanWorkspace : dlc::impl::PlanWorkspaceBase<PlanWorkspace> {
  using PlanWorkspaceBase::PlanWorkspaceBase;

  /// Plans `fn`'s allocations (those of a fixed size only, unless
  /// `withBatch`); returns its workspace as fixed bytes and bytes per sample.
  std::pair<int64_t, int64_t> plan(func::FuncOp fn, bool withBatch) {
    Block &body = fn.getBody().front();
    auto workspaceType = MemRefType::get({ShapedType::kDynamic},
                                         IntegerType::get(&getContext(), 8));
    OpBuilder b(&getContext());
    fn.insertArgument(
        fn.getNumArguments(), workspaceType,
        b.getDictionaryAttr(b.getNamedAttr(mlir::dl::kWorkspaceAttr,
                                           b.getStringAttr("workspace"))),
        fn.getLoc());
    Value workspace = body.getArguments().back();
    hoistOutOfLoops(body);

    DenseMap<Operation *, unsigned> order;
    for (Operation &op : body)
      order[&op] = order.size();
    std::vector<Buffer> buffers;
    for (auto alloc : llvm::make_early_inc_range(body.getOps<memref::AllocOp>())) {
      MemRefType type = alloc.getType();
      std::optional<int64_t> multiple = 1;
      if (type.getNumDynamicDims() == 1)
        multiple = batchMultiple(alloc.getDynamicSizes().front());
      if (!type.getLayout().isIdentity() || type.getMemorySpace() ||
          !type.getElementType().isIntOrFloat() ||
          type.getNumDynamicDims() > (withBatch ? 1 : 0) || !multiple)
        continue;
      std::optional<unsigned> last = lastUse(alloc, body, order);
      if (!last)
        continue;
      if (Operation *copy = copyIntoOutput(alloc, *last, order, body)) {
        Value output = copy->getOperand(1);
        copy->erase();
        alloc.replaceAllUsesWith(output);
        alloc.erase();
        continue;
      }
      int64_t bytes = (type.getElementTypeBitWidth() + 7) / 8 * *multiple;
      for (int64_t d : type.getShape())
        bytes *= ShapedType::isDynamic(d) ? 1 : d;
      bytes = llvm::alignTo(bytes, alignment);
      buffers.push_back({alloc, bytes, type.getNumDynamicDims() == 1,
                         *multiple, order.lookup(alloc), *last});
    }

    SmallVector<Buffer *> fixed, batched;
    for (Buffer &b : buffers)
      (b.batched ? batched : fixed).push_back(&b);
    int64_t fixedBytes = place(fixed), perSample = place(batched);
    for (Buffer &b : buffers) {
      OpBuilder builder(b.alloc);
      Location loc = b.alloc.getLoc();
      Value offset = builder.create<arith::ConstantIndexOp>(loc, b.offset);
      if (b.batched) {
        // The fixed part first: per-sample offsets then scale with the batch.
        Value batch = b.alloc.getDynamicSizes().front();
        if (b.multiple != 1)
          batch = builder.create<arith::DivUIOp>(
              loc, batch,
              builder.create<arith::ConstantIndexOp>(loc, b.multiple));
        offset = builder.create<arith::AddIOp>(
            loc, builder.create<arith::ConstantIndexOp>(loc, fixedBytes),
            builder.create<arith::MulIOp>(loc, batch, offset));
      }
      Value view = builder.create<memref::ViewOp>(
          loc, b.alloc.getType(), workspace, offset, b.alloc.getDynamicSizes());
      b.alloc.replaceAllUsesWith(view);
      b.alloc.erase();
    }
    return {fixedBytes, perSample};
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<std::pair<int64_t, int64_t>> sizes;
    int64_t scratch = 0;
    for (auto fn : module.getOps<func::FuncOp>()) {
      if (fn.isExternal())
        continue;
      // A part of a parallel loop (dlc-outline-parallel-loops): its
      // buffers go to the scratch of the thread that runs it.
      if (fn->hasAttr(mlir::dl::kParallelPartAttr))
        scratch = std::max(scratch, plan(fn, /*withBatch=*/false).first);
      else if (fn.isPublic() && fn.getSymName() != mlir::dl::kWorkspaceSizeFunc)
        sizes.push_back(plan(fn, /*withBatch=*/true));
    }
    OpBuilder attrs(module);
    module->setAttr(mlir::dl::kScratchSizeAttr,
                    attrs.getI64IntegerAttr(llvm::alignTo(scratch, alignment)));

    // workspace_size(batch) = max over the entry points of fixed + batch *
    // per sample.
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    Location loc = module.getLoc();
    IndexType index = b.getIndexType();
    auto fn = b.create<func::FuncOp>(loc, mlir::dl::kWorkspaceSizeFunc,
                                     b.getFunctionType({index}, {index}));
    b.setInsertionPointToStart(fn.addEntryBlock());
    Value batch = fn.getArgument(0);
    Value bytes = b.create<arith::ConstantIndexOp>(loc, 0);
    for (auto [fixed, perSample] : sizes) {
      Value need = b.create<arith::AddIOp>(
          loc, b.create<arith::ConstantIndexOp>(loc, fixed),
          b.create<arith::MulIOp>(
              loc, batch, b.create<arith::ConstantIndexOp>(loc, perSample)));
      bytes = b.create<arith::MaxUIOp>(loc, bytes, need);
    }
    b.create<func::ReturnOp>(loc, bytes);
  }
};

} // namespace

//===- PrefetchWeights.cpp - The next register block's weights ------------===//
//
// A register block's reduction loop reads R weights per step, one from each
// of R consecutive rows of a [rows, k] matrix, and broadcasts them. At small
// images a block's weights are used for a few pixel blocks only, so they
// stream from memory once per forward (ResNet-50's are 100 MB), and R rows
// at a stride of k are R short streams that the hardware prefetchers do not
// run ahead of: 16 Winograd layers at 14x14 took 1.33x the time of one
// layer repeated with its weights in cache. Each step therefore also
// prefetches one element of the next block's rows, row (step mod R) at the
// step's column: over a cache line's worth of steps every line of the next
// block is touched, a whole block's time before it is read (oneDNN's JIT
// kernels prefetch their next blocks likewise). Into L2, not L1: rows 4 KB
// apart (k = 1024) share one L1 set, and prefetching the next block into
// L1 evicted the current one (ResNet-50's 1x1 layers with k >= 1024 were
// 25 % slower).
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace dlc {
#define GEN_PASS_DEF_PREFETCHWEIGHTS
#include "compiler/Codegen/CPU/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// A view of R rows x 1 column of a matrix, taken in `loop` at the loop's
/// step: the rows dimension `rows` and the column dimension `column` of
/// its source, R its size along `rows`.
struct WeightColumn {
  memref::SubViewOp view;
  unsigned rows = 0, column = 0;
  int64_t count = 0;
};

/// `view` as a WeightColumn of `loop` when it has that shape: unit strides,
/// every offset but the column's defined outside the loop, the column's
/// the induction variable, every size 1 but the rows' (static, >= 2), the
/// source's column dimension contiguous and more rows in the source than
/// in the view.
std::optional<WeightColumn> weightColumn(scf::ForOp loop,
                                         memref::SubViewOp view) {
  if (!loop.isDefinedOutsideOfLoop(view.getSource()) ||
      !llvm::all_of(view.getStaticStrides(),
                    [](int64_t s) { return s == 1; }))
    return std::nullopt;
  WeightColumn result{view};
  bool column = false, rows = false;
  SmallVector<OpFoldResult> offsets = view.getMixedOffsets();
  ArrayRef<int64_t> sizes = view.getStaticSizes();
  for (auto [d, offset] : llvm::enumerate(offsets)) {
    auto value = dyn_cast<Value>(offset);
    if (value == loop.getInductionVar()) {
      if (column || sizes[d] != 1)
        return std::nullopt;
      column = true;
      result.column = d;
      continue;
    }
    if (value && !loop.isDefinedOutsideOfLoop(value))
      return std::nullopt;
    if (sizes[d] == 1)
      continue;
    if (rows || ShapedType::isDynamic(sizes[d]) || sizes[d] < 2)
      return std::nullopt;
    rows = true;
    result.rows = d;
    result.count = sizes[d];
  }
  auto source = cast<MemRefType>(view.getSource().getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  // A matrix of one block has no next block.
  if (!column || !rows || failed(getStridesAndOffset(source, strides, offset)) ||
      strides[result.column] != 1 ||
      (!source.isDynamicDim(result.rows) &&
       source.getDimSize(result.rows) <= result.count))
    return std::nullopt;
  return result;
}

/// The weight columns that `loop`'s body reads scalars from.
SmallVector<WeightColumn> weightColumns(scf::ForOp loop) {
  SmallVector<WeightColumn> found;
  for (auto view : loop.getBody()->getOps<memref::SubViewOp>()) {
    bool scalarReads =
        !view->use_empty() && llvm::all_of(view->getUsers(), [](Operation *u) {
          return isa<memref::LoadOp>(u);
        });
    if (!scalarReads)
      continue;
    if (std::optional<WeightColumn> column = weightColumn(loop, view))
      found.push_back(*column);
  }
  return found;
}

/// An innermost loop: nothing in its body has regions.
bool innermost(scf::ForOp loop) {
  return llvm::none_of(loop.getBody()->getOperations(),
                       [](Operation &op) { return op.getNumRegions() > 0; });
}

struct PrefetchWeights : dlc::impl::PrefetchWeightsBase<PrefetchWeights> {
  void runOnOperation() override {
    SmallVector<std::pair<scf::ForOp, WeightColumn>> work;
    getOperation().walk([&](scf::ForOp loop) {
      if (!innermost(loop))
        return;
      for (const WeightColumn &column : weightColumns(loop))
        work.push_back({loop, column});
    });
    for (auto &[loop, column] : work) {
      memref::SubViewOp view = column.view;
      OpBuilder b(view);
      Location loc = view.getLoc();
      Value step = b.create<arith::SubIOp>(loc, loop.getInductionVar(),
                                           loop.getLowerBound());
      Value count = b.create<arith::ConstantIndexOp>(loc, column.count);
      // Row (step mod R) of the next block, the source's last row at most:
      // the last block prefetches its own.
      Value row = b.create<arith::AddIOp>(
          loc, getValueOrCreateConstantIndexOp(
                   b, loc, view.getMixedOffsets()[column.rows]),
          b.create<arith::AddIOp>(
              loc, count, b.create<arith::RemUIOp>(loc, step, count)));
      Value last = b.createOrFold<arith::SubIOp>(
          loc, b.createOrFold<memref::DimOp>(loc, view.getSource(), column.rows),
          b.create<arith::ConstantIndexOp>(loc, 1));
      row = b.create<arith::MinUIOp>(loc, row, last);
      SmallVector<Value> indices;
      for (OpFoldResult offset : view.getMixedOffsets())
        indices.push_back(getValueOrCreateConstantIndexOp(b, loc, offset));
      indices[column.rows] = row;
      b.create<memref::PrefetchOp>(loc, view.getSource(), indices,
                                   /*isWrite=*/false, /*localityHint=*/2,
                                   /*isDataCache=*/true);
    }
  }
};

} // namespace

//===- PrefetchWeights.cpp - The next register block's weights ------------===//
//
// A register block's reduction loop reads R consecutive rows of a [rows, k]
// weight matrix at its step: one weight per row, broadcast (convolutions),
// or one vector per row (a dense layer's dot products). At small images a
// block's weights are used for a few pixel blocks only, and a dense layer
// at a small batch uses each weight a few times, so they stream from memory
// once per forward (ResNet-50's are 100 MB), and R rows at a stride of k
// are R short streams that the hardware prefetchers do not run ahead of:
// 16 Winograd layers at 14x14 took 1.33x the time of one layer repeated
// with its weights in cache, and AlexNet's classifier at batch 8 read its
// weights at 8 GB/s. Each step therefore also prefetches the next block's
// rows at the step's column: row (step mod R) when a step reads one element
// per row, so that over a cache line's worth of steps every line is
// touched, or all R rows when a step reads a line of each. The next block
// arrives a whole block's time before it is read (oneDNN's JIT kernels
// prefetch their next blocks likewise). Into L2, not L1: rows 4 KB apart
// (k = 1024) share one L1 set, and prefetching the next block into L1
// evicted the current one (ResNet-50's 1x1 layers with k >= 1024 were
// 25 % slower).
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace dlc {
#define GEN_PASS_DEF_PREFETCHWEIGHTS
#include "compiler/Codegen/CPU/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// R consecutive rows of a weight matrix that `loop` reads at its step: at
/// `indices` (the first row's, the loop's step along a contiguous
/// dimension), rows along dimension `rowDim`, one element per row and step
/// (`perElement`) or one cache line or more.
struct WeightRows {
  Operation *readAt;
  Value source;
  SmallVector<OpFoldResult> indices;
  unsigned rowDim = 0;
  int64_t count = 0;
  bool perElement = false;
};

/// Whether `source` has more rows along `rowDim` than a block of `count`
/// (a matrix of one block has no next block).
bool severalBlocks(Value source, unsigned rowDim, int64_t count) {
  auto type = cast<MemRefType>(source.getType());
  return type.isDynamicDim(rowDim) || type.getDimSize(rowDim) > count;
}

/// `view` as WeightRows of `loop` when it is R rows x 1 column read by
/// scalar loads (a register block's broadcast weights): unit strides, every
/// offset but the column's defined outside the loop, the column's the
/// induction variable along a contiguous dimension, every size 1 but the
/// rows' (static, >= 2).
std::optional<WeightRows> broadcastWeights(scf::ForOp loop,
                                           memref::SubViewOp view) {
  bool scalarReads =
      !view->use_empty() && llvm::all_of(view->getUsers(), [](Operation *u) {
        return isa<memref::LoadOp>(u);
      });
  if (!scalarReads || !loop.isDefinedOutsideOfLoop(view.getSource()) ||
      !llvm::all_of(view.getStaticStrides(), [](int64_t s) { return s == 1; }))
    return std::nullopt;
  WeightRows result{view, view.getSource()};
  result.perElement = true;
  std::optional<unsigned> column, rows;
  ArrayRef<int64_t> sizes = view.getStaticSizes();
  result.indices = view.getMixedOffsets();
  for (auto [d, offset] : llvm::enumerate(result.indices)) {
    auto value = dyn_cast<Value>(offset);
    if (value == loop.getInductionVar()) {
      if (column || sizes[d] != 1)
        return std::nullopt;
      column = d;
      continue;
    }
    if (value && !loop.isDefinedOutsideOfLoop(value))
      return std::nullopt;
    if (sizes[d] == 1)
      continue;
    if (rows || ShapedType::isDynamic(sizes[d]) || sizes[d] < 2)
      return std::nullopt;
    rows = d;
    result.count = sizes[d];
  }
  SmallVector<int64_t> strides;
  int64_t offset;
  if (!column || !rows ||
      failed(getStridesAndOffset(cast<MemRefType>(result.source.getType()),
                                 strides, offset)) ||
      strides[*column] != 1 ||
      !severalBlocks(result.source, *rows, result.count))
    return std::nullopt;
  result.rowDim = *rows;
  return result;
}

/// `v` as `base` plus a constant.
std::optional<int64_t> offsetFrom(Value v, Value base) {
  if (v == base)
    return 0;
  auto add = v.getDefiningOp<arith::AddIOp>();
  if (!add)
    return std::nullopt;
  for (auto [a, c] : {std::pair(add.getLhs(), add.getRhs()),
                      std::pair(add.getRhs(), add.getLhs())})
    if (a == base)
      if (std::optional<int64_t> k = getConstantIntValue(c))
        return *k;
  return std::nullopt;
}

/// The vector reads of `loop` (constant bounds: a static reduction) of R
/// consecutive rows of a [rows, k] matrix with static rows (the weights;
/// the activations' rows are the batch), as WeightRows.
SmallVector<WeightRows> vectorWeights(scf::ForOp loop) {
  if (!getConstantIntValue(loop.getLowerBound()) ||
      !getConstantIntValue(loop.getUpperBound()))
    return {};
  llvm::MapVector<Value, SmallVector<vector::TransferReadOp>> bySource;
  for (auto read : loop.getBody()->getOps<vector::TransferReadOp>()) {
    auto type = dyn_cast<MemRefType>(read.getSource().getType());
    SmallVector<int64_t> strides;
    int64_t offset;
    if (type && type.getRank() == 2 && !type.isDynamicDim(0) &&
        succeeded(getStridesAndOffset(type, strides, offset)) &&
        strides[1] == 1 && read.getVectorType().getRank() == 1 &&
        read.getIndices()[1] == loop.getInductionVar() &&
        loop.isDefinedOutsideOfLoop(read.getSource()) &&
        loop.isDefinedOutsideOfLoop(read.getIndices()[0]))
      bySource[read.getSource()].push_back(read);
  }
  SmallVector<WeightRows> found;
  for (auto &[source, reads] : bySource) {
    Value first = reads.front().getIndices()[0];
    int64_t count = reads.size();
    llvm::SmallDenseSet<int64_t> rows;
    for (vector::TransferReadOp read : reads)
      if (std::optional<int64_t> k = offsetFrom(read.getIndices()[0], first);
          k && *k >= 0 && *k < count)
        rows.insert(*k);
    if (count >= 2 && (int64_t)rows.size() == count &&
        severalBlocks(source, 0, count))
      found.push_back({reads.front(), source,
                       {first, loop.getInductionVar()}, 0, count, false});
  }
  return found;
}

/// An innermost loop: nothing in its body has regions.
bool innermost(scf::ForOp loop) {
  return llvm::none_of(loop.getBody()->getOperations(),
                       [](Operation &op) { return op.getNumRegions() > 0; });
}

/// Prefetches, into L2, row `first` + `offset` of `rows`' source at their
/// column, its last row at most (the last block prefetches its own).
void prefetchRow(OpBuilder &b, Location loc, const WeightRows &rows,
                 Value offset) {
  Value last = b.createOrFold<arith::SubIOp>(
      loc, b.createOrFold<memref::DimOp>(loc, rows.source, rows.rowDim),
      b.create<arith::ConstantIndexOp>(loc, 1));
  SmallVector<Value> indices =
      getValueOrCreateConstantIndexOp(b, loc, rows.indices);
  indices[rows.rowDim] = b.create<arith::MinUIOp>(
      loc, b.create<arith::AddIOp>(loc, indices[rows.rowDim], offset), last);
  b.create<memref::PrefetchOp>(loc, rows.source, indices, /*isWrite=*/false,
                               /*localityHint=*/2, /*isDataCache=*/true);
}

struct PrefetchWeights : dlc::impl::PrefetchWeightsBase<PrefetchWeights> {
  void runOnOperation() override {
    SmallVector<std::pair<scf::ForOp, WeightRows>> work;
    getOperation().walk([&](scf::ForOp loop) {
      if (!innermost(loop))
        return;
      for (auto view : loop.getBody()->getOps<memref::SubViewOp>())
        if (std::optional<WeightRows> rows = broadcastWeights(loop, view))
          work.push_back({loop, *rows});
      for (const WeightRows &rows : vectorWeights(loop))
        work.push_back({loop, rows});
    });
    for (auto &[loop, rows] : work) {
      OpBuilder b(rows.readAt);
      Location loc = rows.readAt->getLoc();
      if (!rows.perElement) {
        for (int64_t j = 0; j < rows.count; ++j)
          prefetchRow(b, loc, rows,
                      b.create<arith::ConstantIndexOp>(loc, rows.count + j));
        continue;
      }
      Value count = b.create<arith::ConstantIndexOp>(loc, rows.count);
      Value step = b.create<arith::SubIOp>(loc, loop.getInductionVar(),
                                           loop.getLowerBound());
      prefetchRow(b, loc, rows,
                  b.create<arith::AddIOp>(
                      loc, count, b.create<arith::RemUIOp>(loc, step, count)));
    }
  }
};

} // namespace

//===- WindowLoopOrder.cpp - Register blocks of convolutions and products -===//

#include "compiler/Codegen/CPU/DotProducts.h"
#include "compiler/Codegen/CPU/Im2Col.h"
#include "compiler/Codegen/CPU/PoolRows.h"
#include "compiler/Codegen/CPU/Passes.h"
#include "compiler/Codegen/CPU/RegisterTile.h"
#include "compiler/Codegen/CPU/Winograd.h"
#include "compiler/Codegen/Common/Contraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

namespace dlc {
#define GEN_PASS_DEF_WINDOWLOOPORDER
#include "compiler/Codegen/CPU/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// Ops that slide a window over [N, C, H, W]: the last two parallel loops
/// are the output's rows and columns.
bool slidesWindow(linalg::LinalgOp op) {
  return isa<linalg::Conv2DNchwFchwOp, linalg::Conv2DNgchwGfchwOp,
             linalg::PoolingNchwMaxOp, linalg::PoolingNchwSumOp>(op);
}

/// A stride-1 convolution with long rows, register-blocked: tiles of output
/// channels x pixels of one output row (chooseRegisterTile), the loops over
/// (c, kh, kw) innermost. With the unit dimensions of a tile dropped, each
/// step reads one contiguous input row segment and is vectorised; the
/// accumulator tile is hoisted out of the reduction loops after
/// bufferisation. Fails, changing nothing, for other shapes.
LogicalResult blockDirectConvolution(RewriterBase &b,
                                     linalg::Conv2DNchwFchwOp conv,
                                     int64_t lanes) {
  auto type = cast<ShapedType>(conv->getResult(0).getType());
  dlc::RegisterTile tile =
      dlc::chooseRegisterTile(type.getDimSize(1), type.getDimSize(3), lanes);
  bool unitStride = llvm::all_of(conv.getStrides().getValues<int64_t>(),
                                 [](int64_t s) { return s == 1; });
  if (!tile || !unitStride)
    return failure();
  FailureOr<linalg::GenericOp> generic = linalg::generalizeNamedOp(b, conv);
  if (failed(generic))
    return failure();
  // Loops (n, f, oh, ow, c, kh, kw): reductions already innermost.
  scf::SCFTilingOptions options;
  options.setTileSizes({b.getIndexAttr(1), b.getIndexAttr(tile.channels),
                        b.getIndexAttr(1), b.getIndexAttr(tile.pixels),
                        b.getIndexAttr(1), b.getIndexAttr(1),
                        b.getIndexAttr(1)});
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
      b, cast<TilingInterface>(generic->getOperation()), options);
  if (failed(tiled))
    return failure();
  b.replaceOp(*generic, tiled->replacements);
  // Rank-reducing slices, not reshapes: they bufferise to views of the
  // original buffers, where a reshape of a strided view would be a copy.
  linalg::ControlDropUnitDims dropUnits;
  dropUnits.rankReductionStrategy =
      linalg::ControlDropUnitDims::RankReductionStrategy::ExtractInsertSlice;
  for (Operation *tile : tiled->tiledOps) {
    Block *body = tile->getBlock();
    b.setInsertionPoint(tile);
    if (failed(
            linalg::dropUnitDims(b, cast<linalg::GenericOp>(tile), dropUnits)))
      continue;
    for (linalg::GenericOp step :
         llvm::make_early_inc_range(body->getOps<linalg::GenericOp>()))
      dlc::vectorizeRegisterBlock(b, step);
  }
  return success();
}

/// `op` with each group of `groups` that has several loops collapsed into
/// one loop (replacing op); op itself when none has.
FailureOr<linalg::GenericOp>
collapseLoops(RewriterBase &b, linalg::GenericOp op,
              ArrayRef<ReassociationIndices> groups) {
  SmallVector<ReassociationIndices> folded;
  for (const ReassociationIndices &g : groups)
    if (g.size() > 1)
      folded.push_back(g);
  if (folded.empty())
    return op;
  b.setInsertionPoint(op);
  FailureOr<linalg::CollapseResult> collapsed =
      linalg::collapseOpIterationDims(op, folded, b);
  if (failed(collapsed))
    return failure();
  b.replaceOp(op, collapsed->results);
  return cast<linalg::GenericOp>(collapsed->collapsedOp.getOperation());
}

/// A copy of `op` restricted to the iterations at `offsets` + `sizes`,
/// computed into `into` (in place of op's init) and inserted back: the
/// copy and the updated `into`.
std::pair<Operation *, Value> tileInto(RewriterBase &b, TilingInterface op,
                                       Value into,
                                       ArrayRef<OpFoldResult> offsets,
                                       ArrayRef<OpFoldResult> sizes) {
  IRMapping map;
  map.map(cast<DestinationStyleOpInterface>(*op).getDpsInits()[0], into);
  auto copy = cast<TilingInterface>(b.clone(*op, map));
  FailureOr<TilingResult> tile = copy.getTiledImplementation(b, offsets, sizes);
  SmallVector<OpFoldResult> at, extent;
  if (failed(tile) ||
      failed(copy.getResultTilePosition(b, 0, offsets, sizes, at, extent)))
    llvm::report_fatal_error("a linalg op that cannot be tiled");
  b.eraseOp(copy);
  SmallVector<OpFoldResult> strides(at.size(), b.getIndexAttr(1));
  Value inserted = b.create<tensor::InsertSliceOp>(
      op.getLoc(), tile->tiledValues.front(), into, at, extent, strides);
  return {tile->tiledOps.front(), inserted};
}

/// C[M, N] += A[M, K] B[K, N] with loops (m, k, n): blocks of `kBlock`
/// reduction steps outermost, so that B's block stays in cache for every
/// register block of rows x columns, the reduction innermost.
void blockReduction(RewriterBase &b, linalg::GenericOp op, int64_t rows,
                    int64_t columns) {
  // Register blocks looped (m, n, k).
  dlc::blockReductionAndRegisters(b, op, /*reduction=*/1, {rows, 1, columns},
                                  {0, 2, 1});
}

/// C[M, N...] += A[M, K] B[K, N...], B and C row-major (a weight gradient,
/// K = N*OH*OW or the batch): the columns' loops collapsed into one and
/// blocked by blockReduction. Columns beyond the last whole vector (a 5x5
/// kernel's 25 = 16 + 9 weights per filter) get register blocks one short
/// vector wide of their own. Each C element still sums its products in
/// order. Fails, changing nothing, for other shapes.
LogicalResult blockMatmul(RewriterBase &b, linalg::LinalgOp matmul,
                          int64_t lanes) {
  auto type = cast<ShapedType>(matmul->getResult(0).getType());
  if (!type.hasStaticShape())
    return failure();
  int64_t rows = type.getDimSize(0);
  int64_t columns = type.getNumElements() / rows;
  int64_t whole = columns - columns % lanes, rest = columns - whole;
  dlc::RegisterTile tile = dlc::chooseRegisterTile(rows, whole, lanes);
  if (rows == 1) // one sample's row: blocks of one row
    tile = {1, dlc::chooseRegisterTile(4, whole, lanes).pixels};
  if (!whole || !tile)
    return failure();
  auto generic = dyn_cast<linalg::GenericOp>(matmul.getOperation());
  if (!generic) {
    FailureOr<linalg::GenericOp> general = linalg::generalizeNamedOp(b, matmul);
    if (failed(general))
      return failure();
    generic = *general;
  }
  ReassociationIndices columnLoops;
  for (int64_t i = 1; i < type.getRank(); ++i)
    columnLoops.push_back(i);
  FailureOr<linalg::GenericOp> collapsed =
      collapseLoops(b, generic, {columnLoops});
  if (failed(collapsed))
    return failure();
  // Loops (m, k, n): the vectorised columns innermost in each tile's body.
  FailureOr<linalg::GenericOp> ordered =
      linalg::interchangeGenericOp(b, *collapsed, {0, 2, 1});
  if (failed(ordered))
    return failure();
  if (!rest) {
    blockReduction(b, *ordered, tile.channels, tile.pixels);
    return success();
  }
  b.setInsertionPoint(*ordered);
  auto tiling = cast<TilingInterface>(ordered->getOperation());
  SmallVector<Range> domain = tiling.getIterationDomain(b);
  SmallVector<OpFoldResult> offsets(3, b.getIndexAttr(0)),
      sizes = {domain[0].size, domain[1].size, b.getIndexAttr(whole)};
  auto [main, partial] =
      tileInto(b, tiling, ordered->getDpsInits()[0], offsets, sizes);
  offsets[2] = b.getIndexAttr(whole);
  sizes[2] = b.getIndexAttr(rest);
  auto [remainder, result] = tileInto(b, tiling, partial, offsets, sizes);
  b.replaceOp(*ordered, result);
  blockReduction(b, cast<linalg::GenericOp>(main), tile.channels, tile.pixels);
  blockReduction(b, cast<linalg::GenericOp>(remainder), tile.channels, rest);
  return success();
}

/// `matmul` whose row count is dynamic (a dense layer's input gradient: one
/// row per sample) as a loop over blocks of 4 rows and one over the rows
/// left, each a copy of it on static slices that blockMatmul blocks.
/// Fails, changing nothing, when another loop is dynamic.
LogicalResult blockDynamicRows(RewriterBase &b, linalg::LinalgOp matmul,
                               int64_t lanes) {
  constexpr int64_t rows = 4;
  auto tiling = cast<TilingInterface>(matmul.getOperation());
  Location loc = matmul.getLoc();
  b.setInsertionPoint(matmul);
  SmallVector<Range> domain = tiling.getIterationDomain(b);
  SmallVector<OpFoldResult> offsets(domain.size(), b.getIndexAttr(0)), sizes;
  for (const Range &r : domain)
    sizes.push_back(r.size);
  if (llvm::any_of(ArrayRef(sizes).drop_front(),
                   [](OpFoldResult s) { return !getConstantIntValue(s); }))
    return failure();
  auto index = [&](int64_t v) -> Value {
    return b.create<arith::ConstantIndexOp>(loc, v);
  };
  Value m = getValueOrCreateConstantIndexOp(b, loc, sizes[0]);
  Value full = b.create<arith::SubIOp>(
      loc, m, b.create<arith::RemUIOp>(loc, m, index(rows)));
  SmallVector<Operation *> blocks;
  auto loop = [&](Value c, Value from, Value to, int64_t step) -> Value {
    auto forOp = b.create<scf::ForOp>(
        loc, from, to, index(step), ValueRange{c},
        [&](OpBuilder &, Location, Value i, ValueRange args) {
          offsets[0] = i;
          sizes[0] = b.getIndexAttr(step);
          auto [block, updated] = tileInto(b, tiling, args[0], offsets, sizes);
          blocks.push_back(block);
          b.create<scf::YieldOp>(loc, updated);
        });
    b.setInsertionPointAfter(forOp);
    return forOp.getResult(0);
  };
  Value c = loop(matmul.getDpsInits()[0], index(0), full, rows);
  c = loop(c, full, m, 1);
  b.replaceOp(matmul, c);
  for (Operation *block : blocks) {
    b.setInsertionPoint(block);
    (void)blockMatmul(b, cast<linalg::LinalgOp>(block), lanes);
  }
  return success();
}

/// C[n, m..., p...] += A[m..., k] B[n, k, p...] (a transposed convolution's
/// products): the m and p loops collapsed into one each, then register
/// blocks of m x p with the reduction innermost, as im2col's contraction.
/// Fails, changing nothing, for other shapes.
LogicalResult blockBatchedContraction(
    RewriterBase &b, linalg::GenericOp op,
    ArrayRef<ReassociationIndices> groups, int64_t lanes) {
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  auto product = [&](const ReassociationIndices &group) {
    int64_t n = 1;
    for (int64_t i : group)
      n = ShapedType::isDynamic(sizes[i]) ? ShapedType::kDynamic : n * sizes[i];
    return n;
  };
  int64_t rows = product(groups[1]), columns = product(groups[3]);
  if (ShapedType::isDynamic(rows) || ShapedType::isDynamic(columns))
    return failure();
  dlc::RegisterTile tile =
      dlc::chooseRegisterTile(rows, columns, lanes, /*contraction=*/true);
  if (!tile)
    return failure();
  FailureOr<linalg::GenericOp> collapsed = collapseLoops(b, op, groups);
  if (failed(collapsed))
    return failure();
  // Loops (n, m, k, p), register blocks looped (n, m, p, k).
  dlc::blockRegisters(b, *collapsed, {1, tile.channels, 1, tile.pixels},
                      {0, 1, 3, 2});
  return success();
}

struct WindowLoopOrder : dlc::impl::WindowLoopOrderBase<WindowLoopOrder> {
  using WindowLoopOrderBase::WindowLoopOrderBase;
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (slidesWindow(op))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    SmallVector<linalg::GenericOp> winograd;
    getOperation().walk([&](linalg::GenericOp op) {
      if (dlc::isWinogradConvolution(op))
        winograd.push_back(op);
    });
    for (linalg::GenericOp op : winograd) {
      // Its reference form would be 16 times the work: no fallback.
      FailureOr<Value> result = dlc::convolveByWinograd(rewriter, op, lanes);
      if (failed(result)) {
        op.emitError("unsupported Winograd convolution");
        return signalPassFailure();
      }
      rewriter.replaceOp(op, *result);
    }
    SmallVector<linalg::LinalgOp> matmuls;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (dlc::isRowMajorMatmul(op) && op.hasPureTensorSemantics())
        matmuls.push_back(op);
    });
    for (linalg::LinalgOp matmul : matmuls) {
      rewriter.setInsertionPoint(matmul);
      if (failed(blockMatmul(rewriter, matmul, lanes)) &&
          cast<ShapedType>(matmul->getResult(0).getType()).isDynamicDim(0))
        (void)blockDynamicRows(rewriter, matmul, lanes);
    }
    SmallVector<linalg::LinalgOp> dense;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (dlc::isTransposedBMatmul(op))
        dense.push_back(op);
    });
    for (linalg::LinalgOp op : dense)
      if (FailureOr<Value> result =
              dlc::vectorizeDotProducts(rewriter, op, lanes);
          succeeded(result))
        rewriter.replaceOp(op, *result);
    SmallVector<std::pair<linalg::GenericOp, SmallVector<ReassociationIndices>>>
        contractions;
    getOperation().walk([&](linalg::GenericOp op) {
      if (auto groups = dlc::batchedContractionLoops(op);
          groups && op.hasPureTensorSemantics())
        contractions.push_back({op, *groups});
    });
    for (auto &[op, groups] : contractions)
      (void)blockBatchedContraction(rewriter, op, groups, lanes);
    for (linalg::LinalgOp op : ops) {
      rewriter.setInsertionPoint(op);
      auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op.getOperation());
      int64_t row = cast<ShapedType>(op->getResult(0).getType()).getDimSize(3);
      // Long stride-1 rows (two vectors or more): register blocks straight
      // on the input. Anything else (short rows, strides, rows that are no
      // multiple of a vector): im2col.
      if (conv && row >= 2 * lanes &&
          succeeded(blockDirectConvolution(rewriter, conv, lanes)))
        continue;
      if (conv) {
        FailureOr<Value> result = dlc::convolveByIm2Col(rewriter, conv, lanes);
        if (succeeded(result)) {
          rewriter.replaceOp(conv, *result);
          continue;
        }
      }
      if (FailureOr<Value> pooled = dlc::vectorizePoolRows(rewriter, op, lanes);
          succeeded(pooled)) {
        rewriter.replaceOp(op, *pooled);
        continue;
      }
      FailureOr<linalg::GenericOp> generic =
          linalg::generalizeNamedOp(rewriter, op);
      if (failed(generic))
        return signalPassFailure();
      // (parallel..., oh, ow, reductions...) -> (parallel..., reductions...,
      // oh, ow)
      SmallVector<unsigned> parallel, reduction;
      for (auto [i, type] : llvm::enumerate(generic->getIteratorTypesArray()))
        (type == utils::IteratorType::parallel ? parallel : reduction)
            .push_back(i);
      SmallVector<unsigned> order(parallel.begin(), parallel.end() - 2);
      order.append(reduction.begin(), reduction.end());
      order.append(parallel.end() - 2, parallel.end());
      if (failed(linalg::interchangeGenericOp(rewriter, *generic, order)))
        return signalPassFailure();
    }
  }
};

} // namespace

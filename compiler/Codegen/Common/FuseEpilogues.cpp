//===- FuseEpilogues.cpp - Layers as one loop nest with their epilogue ----===//
//
//   %b = linalg.generic (broadcast bias) outs(%empty)
//   %c = linalg.conv_2d_nchw_fchw ins(%x, %w) outs(%b)
//   %y = linalg.generic (batchnorm, relu) ins(%c, %scale, ...) outs(%empty)
// becomes
//   %y = scf.for %n ... scf.for %rows ... {
//     bias into the tile, the convolution of the tile, the epilogue applied
//     to the tile in place
//   }
// The epilogue first reads the reduction's result as its own output (it is
// elementwise, so in place is exact), then it is tiled with TilingInterface
// and the reduction and its initialisation are fused into the tile loops
// (scf::tileConsumerAndFuseProducersUsingSCF). The un-activated result then
// never exists beyond one tile. When the epilogue may overwrite another
// input (an identity shortcut nothing reads later), it writes there and the
// reduction's tile is scratch. The tile loops are scf.forall: threads share
// the tiles out (dlc-outline-parallel-loops), so what no epilogue takes
// (a lone convolution, a pooling, a weight gradient) is tiled alone too.
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/Common/Contraction.h"
#include "compiler/Codegen/Common/InPlace.h"
#include "compiler/Codegen/Common/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace dlc {
#define GEN_PASS_DEF_FUSEEPILOGUES
#include "compiler/Codegen/Common/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// The input of `op` that a reduction (convolution, matmul, pooling) with
/// no other use produces, read element for element like op's result.
OpOperand *reductionInput(linalg::GenericOp op) {
  if (op.getNumDpsInits() != 1 ||
      !op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity())
    return nullptr;
  for (OpOperand *in : op.getDpsInputOperands()) {
    auto producer = in->get().getDefiningOp<linalg::LinalgOp>();
    if (producer && producer.getNumReductionLoops() > 0 &&
        in->get().hasOneUse() && dlc::canWriteInto(op, in, 0))
      return in;
  }
  return nullptr;
}

/// Another input of `op` that op may overwrite instead of the reduction's
/// result (a residual block's shortcut, the activation a ReLU mask reads):
/// read element for element like the result, not an argument of the
/// function, read only by op and by the layers before it. Not when op's
/// result goes to a padding: dlc-pad-in-place has the layer write into the
/// next convolution's padded input instead.
OpOperand *overwritableInput(linalg::GenericOp op, OpOperand *reduction) {
  if (llvm::any_of(op->getResult(0).getUsers(),
                   [](Operation *u) { return isa<tensor::InsertSliceOp>(u); }))
    return nullptr;
  for (OpOperand *in : op.getDpsInputOperands()) {
    Value x = in->get();
    // A reduction (a projection shortcut) is computed in the tile instead.
    auto producer = x.getDefiningOp<linalg::LinalgOp>();
    if (in == reduction || isa<BlockArgument>(x) ||
        (producer && producer.getNumReductionLoops() > 0) ||
        !dlc::canWriteInto(op, in, 0))
      continue;
    bool readBefore = llvm::all_of(x.getUses(), [&](OpOperand &use) {
      Operation *user = use.getOwner();
      if (user == op)
        return &use == in;
      auto linalgOp = dyn_cast<linalg::LinalgOp>(user);
      bool reads = isa<tensor::ExtractSliceOp, tensor::DimOp>(user) ||
                   (linalgOp && linalgOp.isDpsInput(&use));
      // Readers may be inside an earlier layer's tile loops.
      Operation *layer = op->getBlock()->findAncestorOpInBlock(*user);
      return reads && layer && layer->isBeforeInBlock(op);
    });
    if (readBefore)
      return in;
  }
  return nullptr;
}

/// Tiles of as many samples (dense results, N x F, whose features are split
/// in minTiles blocks too) or as many rows of one sample (N x C x H x W ...)
/// as fit in `tileBytes`, but at least
/// `minPixels` pixels (or the whole image): a narrower tile starves the
/// convolution's vector loops (a 7x7 image's row is 7 pixels). An image
/// with fewer than `minTiles` tiles is split along its channels too, into
/// blocks of a multiple of 16 channels (whole vectors and register blocks).
/// A tile of a Winograd convolution starts at an even row (its 2x2 blocks):
/// its row count is even or the whole height.
SmallVector<OpFoldResult> tileSizes(OpBuilder &b, ShapedType type,
                                    int64_t tileBytes, int64_t minPixels,
                                    int64_t minTiles, bool winograd = false) {
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> sizes(rank, b.getIndexAttr(0));
  int64_t tiled = rank < 3 ? 0 : 2;
  if (tiled && type.isDynamicDim(tiled))
    return sizes;
  int64_t slice = type.getElementTypeBitWidth() / 8;
  for (int64_t d = 1; d < rank; ++d)
    if (d != tiled)
      slice *= type.isDynamicDim(d) ? 1 : type.getDimSize(d);
  if (tiled == 0) {
    sizes[0] = b.getIndexAttr(std::max<int64_t>(1, tileBytes / slice));
    // The features too, in minTiles blocks of a multiple of 16: a batch of
    // one still shares its dense layers' weights among the threads.
    if (rank == 2 && !type.isDynamicDim(1)) {
      int64_t features = type.getDimSize(1);
      int64_t block = llvm::alignTo(llvm::divideCeil(features, minTiles), 16);
      if (block < features)
        sizes[1] = b.getIndexAttr(block);
    }
    return sizes;
  }
  int64_t height = type.getDimSize(tiled), pixelsPerRow = 1;
  for (int64_t d = tiled + 1; d < rank; ++d)
    pixelsPerRow *= type.isDynamicDim(d) ? 1 : type.getDimSize(d);
  // Divisors of the height: the most rows that fit, or else the fewest
  // that hold minPixels.
  int64_t fewest = height, most = 0;
  for (int64_t r = height; r >= 1; --r)
    if (height % r == 0 && (!winograd || r % 2 == 0 || r == height)) {
      if (r * pixelsPerRow >= minPixels)
        fewest = r;
      if (!most && r * slice <= tileBytes)
        most = r;
    }
  int64_t rows = std::max(fewest, most);
  sizes[0] = b.getIndexAttr(1);
  sizes[tiled] = b.getIndexAttr(rows);
  // The fewest channel blocks that give minTiles tiles, or else the most.
  int64_t channels = type.getDimSize(1), rowTiles = height / rows;
  if (rowTiles >= minTiles || type.isDynamicDim(1))
    return sizes;
  for (int64_t parts = 2; channels / parts >= 16; ++parts) {
    if (channels % (16 * parts) != 0)
      continue;
    sizes[1] = b.getIndexAttr(channels / parts);
    if (rowTiles * parts >= minTiles)
      break;
  }
  return sizes;
}

/// Sizes that split dimension `dim` of `type` (static) into at most
/// `minTiles` equal blocks of a multiple of `multiple`; none when no such
/// split exists.
std::optional<SmallVector<OpFoldResult>> split(OpBuilder &b, ShapedType type,
                                               int64_t dim, int64_t multiple,
                                               int64_t minTiles) {
  SmallVector<OpFoldResult> sizes(type.getRank(), b.getIndexAttr(0));
  int64_t extent = type.getDimSize(dim);
  for (int64_t parts = minTiles; parts >= 2; --parts)
    if (extent % (multiple * parts) == 0) {
      sizes[dim] = b.getIndexAttr(extent / parts);
      return sizes;
    }
  return std::nullopt;
}

/// A matrix product's result [M, N...] split along M into at most
/// `minTiles` blocks of a multiple of 4 rows (register blocks); one tile
/// when that does not divide.
SmallVector<OpFoldResult> matmulTileSizes(OpBuilder &b, ShapedType type,
                                          int64_t minTiles) {
  if (!type.hasStaticShape())
    return SmallVector<OpFoldResult>(type.getRank(), b.getIndexAttr(0));
  return split(b, type, 0, 4, minTiles)
      .value_or(SmallVector<OpFoldResult>(type.getRank(), b.getIndexAttr(0)));
}

/// Whether `e` grows with every loop index in it (x*s + i*d, y floordiv 2),
/// so that a slice of the loops reads the span between `e` at the slice's
/// first and last points (a flipped window, k - i, does not).
bool isIncreasing(AffineExpr e) {
  auto positive = [](AffineExpr c) {
    auto constant = dyn_cast<AffineConstantExpr>(c);
    return constant && constant.getValue() > 0;
  };
  if (isa<AffineDimExpr>(e) || isa<AffineConstantExpr>(e))
    return true;
  auto binary = dyn_cast<AffineBinaryOpExpr>(e);
  if (!binary || !isIncreasing(binary.getLHS()))
    return false;
  switch (e.getKind()) {
  case AffineExprKind::Add:
    return isIncreasing(binary.getRHS());
  case AffineExprKind::Mul:
  case AffineExprKind::FloorDiv:
    return positive(binary.getRHS());
  default:
    return false;
  }
}

/// A copy that gathers (im2col's patches, an upsampling) and reads its
/// first loop's index as one of the input's own: it is tiled along that
/// loop alone, which slices the input exactly.
bool isOuterLoopGather(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() != 0 || op.getNumLoops() < 2 ||
      op.getBlock()->getOperations().size() != 1 ||
      op.getBlock()->getTerminator()->getOperand(0) != op.getBlock()->getArgument(0))
    return false;
  AffineMap in = op.getIndexingMapsArray()[0];
  return !in.isProjectedPermutation() &&
         llvm::all_of(in.getResults(), isIncreasing) &&
         op.getIndexingMapsArray()[1].isIdentity() &&
         llvm::is_contained(in.getResults(),
                            getAffineDimExpr(0, op.getContext()));
}

/// A product C[M, N...] += A[M, K] B[N..., K] with a long reduction (a
/// weight gradient's, over the batch's pixels) split along its first
/// column loop into at most `minTiles` equal blocks: each thread then
/// streams its own part of B, the larger operand, once; split along M
/// when that does not divide.
SmallVector<OpFoldResult> columnTileSizes(OpBuilder &b, ShapedType type,
                                          int64_t minTiles) {
  if (!type.hasStaticShape())
    return SmallVector<OpFoldResult>(type.getRank(), b.getIndexAttr(0));
  return split(b, type, 1, 1, minTiles)
      .value_or(matmulTileSizes(b, type, minTiles));
}

/// Whether every tile of `type` has the same, static shape.
bool staticTiles(ShapedType type, ArrayRef<OpFoldResult> sizes) {
  for (auto [d, size] : llvm::enumerate(sizes)) {
    int64_t tile = *getConstantIntValue(size);
    if (tile > 1 && (type.isDynamicDim(d) || type.getDimSize(d) % tile != 0))
      return false;
  }
  return true;
}

/// Fuses into the tile the producers of what the tile writes (the
/// reductions, their initialisations) and the reductions that only `epilogue`
/// reads, element for element; never the producers of a reduction's inputs,
/// which would be recomputed for every tile, nor of an input that the
/// epilogue overwrites.
scf::SCFTileAndFuseOptions::ControlFnTy fuseIntoTile(Operation *epilogue,
                                                     Value overwritten) {
  return [epilogue, overwritten](tensor::ExtractSliceOp slice,
                                 OpResult producer,
                                 bool destination) -> std::tuple<bool, bool> {
    auto op = dyn_cast<linalg::LinalgOp>(producer.getOwner());
    if (!op || producer == overwritten)
      return {false, false};
    // What the tile writes into, or a fused reduction's initialisation:
    // each tile computes its own part once.
    bool initOnly = llvm::all_of(slice->getUses(), [](OpOperand &use) {
      auto user = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
      return user && user.isDpsInit(&use);
    });
    if (destination || initOnly)
      return {true, false};
    // Until it is replaced, the untiled epilogue is the other reader; the
    // tile loops ask for sizes (tensor.dim), which fold away.
    bool onlyEpilogue = llvm::all_of(producer.getUsers(), [&](Operation *u) {
      return u == epilogue || u == slice || isa<tensor::DimOp>(u);
    });
    if (!onlyEpilogue || op.getNumReductionLoops() == 0)
      return {false, false};
    for (OpOperand &use : slice->getUses()) {
      auto user = dyn_cast<linalg::LinalgOp>(use.getOwner());
      if (!user || !dlc::isElementwise(user) ||
          !user.getMatchingIndexingMap(&use).isIdentity())
        return {false, false};
    }
    return {true, false};
  };
}

/// Tiles `root` into `sizes` with an scf.forall (its tiles are
/// independent: threads may share them out), fusing in what fuseIntoTile
/// allows, and replaces it.
LogicalResult tile(IRRewriter &b, Operation *root,
                   ArrayRef<OpFoldResult> sizes, Value overwritten) {
  scf::SCFTileAndFuseOptions options;
  options.tilingOptions.setTileSizes(sizes);
  options.tilingOptions.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  options.setFusionControlFn(fuseIntoTile(root, overwritten));
  b.setInsertionPoint(root);
  FailureOr<scf::SCFTileAndFuseResult> tiled =
      scf::tileConsumerAndFuseProducersUsingSCF(
          b, cast<TilingInterface>(root), options);
  if (failed(tiled))
    return failure();
  for (OpResult result : root->getResults())
    b.replaceAllUsesWith(result, tiled->replacements.lookup(result));
  b.eraseOp(root);
  return success();
}

struct FuseEpilogues : dlc::impl::FuseEpiloguesBase<FuseEpilogues> {
  using FuseEpiloguesBase::FuseEpiloguesBase;
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> epilogues;
    getOperation().walk([&](linalg::GenericOp op) {
      if (reductionInput(op))
        epilogues.push_back(op);
    });
    IRRewriter b(&getContext());
    for (linalg::GenericOp op : epilogues) {
      auto type = cast<ShapedType>(op->getResult(0).getType());
      OpOperand *reduction = reductionInput(op);
      SmallVector<OpFoldResult> sizes =
          tileSizes(b, type, tileBytes, minPixels, minTiles,
                    dlc::isWinogradConvolution(reduction->get().getDefiningOp()));
      // The reduction then needs a scratch tile, which lives in the
      // workspace only with a static size.
      OpOperand *overwritten =
          staticTiles(type, sizes) ? overwritableInput(op, reduction) : nullptr;
      Value kept = overwritten ? overwritten->get() : Value();
      linalg::GenericOp epilogue = dlc::writeInto(
          b, op, overwritten ? overwritten : reduction, /*result=*/0);
      if (failed(tile(b, epilogue, sizes, kept)))
        return signalPassFailure();
    }
    // What is left of the layers over images (a convolution whose result a
    // pooling or a concat reads, a transposed convolution, a pooling, a
    // residual add, the backward pass's gradients) and the weight
    // gradients' matrix products are tiled alone with their initialisation,
    // for the threads' sake; fills and copies stay whole (dlc-pad-in-place
    // looks for them).
    SmallVector<std::pair<linalg::LinalgOp, SmallVector<OpFoldResult>>> alone;
    for (Operation &op : getOperation().getBody().front()) {
      auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
      if (!linalgOp || op.getNumResults() != 1 ||
          !linalgOp.hasPureTensorSemantics() ||
          isa<linalg::FillOp, linalg::CopyOp>(op))
        continue;
      // An initialisation (a bias broadcast) is fused into its user's tiles.
      bool initOnly = llvm::all_of(op.getUses(), [](OpOperand &use) {
        auto user = dyn_cast<linalg::LinalgOp>(use.getOwner());
        return user && user.isDpsInit(&use);
      });
      auto type = dyn_cast<RankedTensorType>(op.getResult(0).getType());
      if (initOnly && !op.use_empty())
        continue;
      // A dense layer (rows: samples), or a weight gradient's product.
      if (dlc::isTransposedBMatmul(linalgOp)) {
        alone.push_back({linalgOp, type.isDynamicDim(0)
                                       ? tileSizes(b, type, tileBytes,
                                                   minPixels, minTiles)
                                       : columnTileSizes(b, type, minTiles)});
        continue;
      }
      if (dlc::isRowMajorMatmul(linalgOp)) {
        alone.push_back({linalgOp, matmulTileSizes(b, type, minTiles)});
        continue;
      }
      // Windows only in named ops: tiling a generic whose rows read shifted
      // rows (a gradient's flipped window) mis-sizes its input slices.
      bool plainMaps = llvm::all_of(
          linalgOp.getIndexingMapsArray(),
          [](AffineMap m) { return m.isProjectedPermutation(); });
      if (isOuterLoopGather(linalgOp)) {
        SmallVector<OpFoldResult> sizes(linalgOp.getNumLoops(),
                                        b.getIndexAttr(0));
        sizes[0] = b.getIndexAttr(1);
        alone.push_back({linalgOp, sizes});
        continue;
      }
      if (type && type.getRank() >= 4 &&
          (isa<linalg::ConvolutionOpInterface>(op) || plainMaps ||
           dlc::isWinogradConvolution(&op)))
        alone.push_back(
            {linalgOp, tileSizes(b, type, tileBytes, minPixels, minTiles,
                                 dlc::isWinogradConvolution(&op))});
    }
    for (auto &[op, sizes] : alone)
      if (failed(tile(b, op, sizes, Value())))
        return signalPassFailure();
    // A fused reduction that wrote into a slice of a whole-tensor empty
    // gets an empty of the tile's size: scratch of one tile.
    RewritePatternSet patterns(&getContext());
    tensor::populateFoldTensorEmptyPatterns(patterns);
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

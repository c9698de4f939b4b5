//===- Im2Col.cpp - Small convolutions as im2col + a contraction ----------===//
//
// For a small output (short rows) the direct loop order leaves too little
// work in the innermost loop. Then the input patches are copied out once
// (im2col, [N, C*KH*KW, OH*OW]) and the convolution becomes a contraction
// with the weight [F, C*KH*KW], iterated (n, f, k, p): the innermost loop
// runs over all OH*OW pixels with one weight. Unlike upstream's
// rewriteInIm2Col this keeps the batch dynamic.
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/CPU/Im2Col.h"
#include "compiler/Codegen/CPU/RegisterTile.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

/// Register blocks of chooseRegisterTile, loops (n, f, p, k); the op as it
/// is when the sizes do not divide evenly.
static Value blockContraction(RewriterBase &b, linalg::GenericOp op,
                              int64_t channels, int64_t pixels, int64_t lanes) {
  dlc::RegisterTile tile =
      dlc::chooseRegisterTile(channels, pixels, lanes, /*contraction=*/true);
  if (!tile)
    return op.getResult(0);
  return dlc::blockRegisters(b, op, {1, tile.channels, 1, tile.pixels},
                             {0, 1, 3, 2});
}

/// out[n, f, p] += w[f, k] * col[n, k, p], loops (n, f, k, p).
static linalg::GenericOp contract(OpBuilder &b, Location loc, Value w,
                                  Value col, Value acc) {
  MLIRContext *ctx = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps = {AffineMap::get(4, 0, {d(1), d(2)}, ctx),
                                 AffineMap::get(4, 0, {d(0), d(2), d(3)}, ctx),
                                 AffineMap::get(4, 0, {d(0), d(1), d(3)}, ctx)};
  SmallVector<utils::IteratorType> iterators = {
      utils::IteratorType::parallel, utils::IteratorType::parallel,
      utils::IteratorType::reduction, utils::IteratorType::parallel};
  return b.create<linalg::GenericOp>(
      loc, acc.getType(), ValueRange{w, col}, acc, maps, iterators,
      [](OpBuilder &nb, Location nloc, ValueRange args) {
        Value m = nb.create<arith::MulFOp>(nloc, args[0], args[1]);
        nb.create<linalg::YieldOp>(
            nloc, nb.create<arith::AddFOp>(nloc, args[2], m).getResult());
      });
}

/// Pixels [from, from + count) of a [N, X, P] tensor.
static Value pixelSlice(OpBuilder &b, Location loc, Value t, int64_t from,
                        int64_t count) {
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, t);
  sizes[2] = b.getIndexAttr(count);
  SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(0),
                                       b.getIndexAttr(from)};
  SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
  return b.create<tensor::ExtractSliceOp>(loc, t, offsets, sizes, strides);
}

/// `part` written at pixel `from` of `into`.
static Value insertPixels(OpBuilder &b, Location loc, Value part, Value into,
                          int64_t from) {
  SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(0),
                                       b.getIndexAttr(from)};
  SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
  return b.create<tensor::InsertSliceOp>(
      loc, part, into, offsets, tensor::getMixedSizes(b, loc, part), strides);
}

FailureOr<Value> dlc::convolveByIm2Col(RewriterBase &b,
                                       linalg::Conv2DNchwFchwOp conv,
                                       int64_t lanes) {
  Location loc = conv.getLoc();
  Value input = conv.getDpsInputs()[0], weight = conv.getDpsInputs()[1];
  Value init = conv.getDpsInits()[0];
  auto it = cast<RankedTensorType>(input.getType());
  auto wt = cast<RankedTensorType>(weight.getType());
  auto ot = cast<RankedTensorType>(init.getType());
  if (!wt.hasStaticShape() || ShapedType::isDynamic(it.getDimSize(1)))
    return failure();
  int64_t c = wt.getDimSize(1), kh = wt.getDimSize(2), kw = wt.getDimSize(3);
  int64_t f = ot.getDimSize(1), oh = ot.getDimSize(2), ow = ot.getDimSize(3);
  auto strides = llvm::to_vector(conv.getStrides().getValues<int64_t>());
  auto dilations = llvm::to_vector(conv.getDilations().getValues<int64_t>());
  MLIRContext *ctx = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  Type f32 = it.getElementType();
  SmallVector<Value> batch;
  if (it.isDynamicDim(0))
    batch.push_back(b.create<tensor::DimOp>(loc, input, 0));

  // patches[n, c, i, j, y, x] = input[n, c, y*s + i*d, x*s + j*d]
  auto patchType =
      RankedTensorType::get({it.getDimSize(0), c, kh, kw, oh, ow}, f32);
  Value empty = b.create<tensor::EmptyOp>(loc, patchType, batch);
  SmallVector<AffineMap> copyMaps = {
      AffineMap::get(6, 0,
                     {d(0), d(1), d(4) * strides[0] + d(2) * dilations[0],
                      d(5) * strides[1] + d(3) * dilations[1]},
                     ctx),
      AffineMap::getMultiDimIdentityMap(6, ctx)};
  Value patches =
      b.create<linalg::GenericOp>(
           loc, patchType, input, empty, copyMaps,
           SmallVector<utils::IteratorType>(6, utils::IteratorType::parallel),
           [](OpBuilder &nb, Location nloc, ValueRange args) {
             nb.create<linalg::YieldOp>(nloc, args[0]);
           })
          .getResult(0);
  auto colType =
      RankedTensorType::get({it.getDimSize(0), c * kh * kw, oh * ow}, f32);
  Value col = b.create<tensor::CollapseShapeOp>(
      loc, colType, patches,
      SmallVector<ReassociationIndices>{{0}, {1, 2, 3}, {4, 5}});
  Value w2 = b.create<tensor::CollapseShapeOp>(
      loc, RankedTensorType::get({f, c * kh * kw}, f32), weight,
      SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
  SmallVector<ReassociationIndices> pixels = {{0}, {1}, {2, 3}};
  auto flatType = RankedTensorType::get({ot.getDimSize(0), f, oh * ow}, f32);
  Value acc = b.create<tensor::CollapseShapeOp>(loc, flatType, init, pixels);

  // Whole vectors of pixels go through register blocks; a remainder (196 =
  // 14x14 pixels: 192 + 4 with 16 lanes) is a contraction of its own.
  int64_t p = oh * ow, blocked = p - p % lanes;
  Value out;
  if (blocked == p || blocked == 0) {
    out = blockContraction(b, contract(b, loc, w2, col, acc), f, p, lanes);
  } else {
    Value main =
        blockContraction(b,
                       contract(b, loc, w2, pixelSlice(b, loc, col, 0, blocked),
                                pixelSlice(b, loc, acc, 0, blocked)),
                       f, blocked, lanes);
    // The remainder's blocks are one short vector wide (LLVM splits it
    // into legal vectors), not scalar loops.
    linalg::GenericOp restOp =
        contract(b, loc, w2, pixelSlice(b, loc, col, blocked, p - blocked),
                 pixelSlice(b, loc, acc, blocked, p - blocked));
    int64_t channels =
        dlc::chooseRegisterTile(f, lanes, lanes, /*contraction=*/true).channels;
    Value rest = channels ? dlc::blockRegisters(b, restOp,
                                                {1, channels, 1, p - blocked},
                                                {0, 1, 3, 2})
                          : restOp.getResult(0);
    out = insertPixels(b, loc, main, acc, 0);
    out = insertPixels(b, loc, rest, out, blocked);
  }
  return b.create<tensor::ExpandShapeOp>(loc, ot, out, pixels).getResult();
}

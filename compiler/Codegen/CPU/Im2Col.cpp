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

#include "compiler/Codegen/CPU/DotProducts.h"
#include "compiler/Codegen/CPU/Loops.h"
#include "compiler/Codegen/CPU/PoolRows.h"
#include "compiler/Codegen/CPU/RegisterTile.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

/// Register blocks of chooseRegisterTile, loops (n, f, p, k), in blocks of
/// k (a 7x7 image's patches, 4608 x 49, and its filters' block of k stay
/// in cache for every register block); the op as it is when the sizes do
/// not divide evenly.
static Value blockContraction(RewriterBase &b, linalg::GenericOp op,
                              int64_t channels, int64_t pixels, int64_t lanes) {
  dlc::RegisterTile tile =
      dlc::chooseRegisterTile(channels, pixels, lanes, /*contraction=*/true);
  if (!tile)
    return op.getResult(0);
  return dlc::blockReductionAndRegisters(b, op, /*reduction=*/2,
                                         {1, tile.channels, 1, tile.pixels},
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

/// acc[n, f, q] (the pixels from + q, fewer than a vector) plus the
/// convolution there, as dot products along k: the pixels' patches copied
/// out transposed, [N, q, C*KH*KW], so that they are contiguous along k like
/// the weights' rows w2[f, k], then per sample the dense layers' kernel
/// with the filters as rows. A block of one pixel's outputs along the
/// pixels would issue one scalar FMA per weight.
static Value remainderByDotProducts(RewriterBase &b, Location loc, Value input,
                                    ValueRange batch, Value w2, Value acc,
                                    int64_t from, int64_t ow,
                                    ArrayRef<int64_t> kernel,
                                    ArrayRef<int64_t> strides,
                                    ArrayRef<int64_t> dilations,
                                    int64_t lanes) {
  MLIRContext *ctx = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  auto it = cast<RankedTensorType>(input.getType());
  int64_t c = it.getDimSize(1);
  int64_t rest = cast<RankedTensorType>(acc.getType()).getDimSize(2);
  // patches[n, q, c, i, j] = input[n, c, y*s + i*d, x*s + j*d] with
  // (y, x) the pixel from + q.
  auto patchType = RankedTensorType::get(
      {it.getDimSize(0), rest, c, kernel[0], kernel[1]}, it.getElementType());
  AffineExpr pixel = d(1) + from;
  SmallVector<AffineMap> maps = {
      AffineMap::get(5, 0,
                     {d(0), d(2),
                      pixel.floorDiv(ow) * strides[0] + d(3) * dilations[0],
                      (pixel % ow) * strides[1] + d(4) * dilations[1]},
                     ctx),
      AffineMap::getMultiDimIdentityMap(5, ctx)};
  Value patches =
      b.create<linalg::GenericOp>(
           loc, patchType, input,
           b.create<tensor::EmptyOp>(loc, patchType, batch).getResult(), maps,
           SmallVector<utils::IteratorType>(5, utils::IteratorType::parallel),
           [](OpBuilder &nb, Location nloc, ValueRange args) {
             nb.create<linalg::YieldOp>(nloc, args[0]);
           })
          .getResult(0);
  int64_t k = c * kernel[0] * kernel[1];
  Value rows = b.create<tensor::CollapseShapeOp>(
      loc, RankedTensorType::get({it.getDimSize(0), rest, k}, it.getElementType()),
      patches, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3, 4}});
  // One sample at a time: [F, K] x [q, K]^T into [F, q].
  struct Sample {
    SmallVector<OpFoldResult> offsets, sizes, strides;
  };
  auto sampleOf = [&](Value t, Value n) {
    auto type = cast<RankedTensorType>(t.getType());
    return Sample{{n, b.getIndexAttr(0), b.getIndexAttr(0)},
                  {b.getIndexAttr(1), b.getIndexAttr(type.getDimSize(1)),
                   b.getIndexAttr(type.getDimSize(2))},
                  SmallVector<OpFoldResult>(3, b.getIndexAttr(1))};
  };
  auto extract = [&](Value t, Value n) -> Value {
    auto type = cast<RankedTensorType>(t.getType());
    Sample s = sampleOf(t, n);
    return b.create<tensor::ExtractSliceOp>(
        loc,
        RankedTensorType::get(type.getShape().drop_front(),
                              type.getElementType()),
        t, s.offsets, s.sizes, s.strides);
  };
  auto loop = b.create<scf::ForOp>(
      loc, b.create<arith::ConstantIndexOp>(loc, 0),
      b.create<tensor::DimOp>(loc, acc, 0),
      b.create<arith::ConstantIndexOp>(loc, 1), ValueRange{acc},
      [&](OpBuilder &, Location, Value n, ValueRange args) {
        Value out = extract(args[0], n);
        auto product = b.create<linalg::MatmulTransposeBOp>(
            loc, TypeRange{out.getType()}, ValueRange{w2, extract(rows, n)},
            ValueRange{out});
        Block *body = product->getBlock();
        // Only other types than f32 keep the plain product.
        Value result = product.getResult(0);
        if (FailureOr<Value> dots =
                dlc::vectorizeDotProducts(b, product, lanes);
            succeeded(dots)) {
          b.replaceOp(product, *dots);
          result = *dots;
        }
        b.setInsertionPointToEnd(body);
        Sample s = sampleOf(args[0], n);
        b.create<scf::YieldOp>(
            loc, b.create<tensor::InsertSliceOp>(loc, result, args[0],
                                                 s.offsets, s.sizes, s.strides)
                     .getResult());
      });
  return loop.getResult(0);
}

/// patches[n, c, i, j, y, x] = input[n, c, y*s + i, x*t + j] for a stride
/// t >= 2 along the rows (dilation 1), in vectors along x, each window
/// column picked out of a contiguous read by a shuffle (as strided pooling
/// does). LLVM vectorised the copy's strided reads as gathers: 18 % of
/// ResNet-50's 14x14 -> 7x7 stride-2 convolution.
static Value stridedPatches(OpBuilder &b, Location loc, Value input,
                            RankedTensorType patchType, ValueRange batch,
                            ArrayRef<int64_t> strides, int64_t lanes) {
  int64_t channels = patchType.getDimSize(1), kh = patchType.getDimSize(2),
          kw = patchType.getDimSize(3), oh = patchType.getDimSize(4),
          ow = patchType.getDimSize(5);
  int64_t t = strides[1];
  int64_t width = cast<RankedTensorType>(input.getType()).getDimSize(3);
  auto index = [&](int64_t v) -> Value {
    return b.create<arith::ConstantIndexOp>(loc, v);
  };
  auto loop = [&](Value acc, Value count,
                  function_ref<Value(Value, Value)> body) -> Value {
    return dlc::forLoop(b, loc, acc, index(0), count, 1, body);
  };
  // Outputs [tx, tx + n) of patch row (n, c, i, y), every column j.
  auto block = [&](Value out, Value n, Value c, Value i, Value y, int64_t tx,
                   int64_t count) {
    Value row = b.create<arith::AddIOp>(
        loc, b.create<arith::MulIOp>(loc, y, index(strides[0])), i);
    dlc::forEachStridedColumn(
        b, loc, input, {n, c, row}, tx * t, kw, t, count, width,
        [&](int64_t j, Value v) {
          out = b.create<vector::TransferWriteOp>(
                     loc, v, out, ValueRange{n, c, i, index(j), y, index(tx)},
                     ArrayRef<bool>{true})
                    .getResult();
        });
    return out;
  };
  Value patches = b.create<tensor::EmptyOp>(loc, patchType, batch);
  return loop(
      patches, b.createOrFold<tensor::DimOp>(loc, patches, 0),
      [&](Value out, Value n) {
        return loop(out, index(channels), [&](Value out, Value c) {
          return loop(out, index(kh), [&](Value out, Value i) {
            return loop(out, index(oh), [&](Value out, Value y) {
              int64_t tx = 0;
              for (; tx + lanes <= ow; tx += lanes)
                out = block(out, n, c, i, y, tx, lanes);
              if (tx < ow)
                out = block(out, n, c, i, y, tx, ow - tx);
              return out;
            });
          });
        });
      });
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

  auto colType =
      RankedTensorType::get({it.getDimSize(0), c * kh * kw, oh * ow}, f32);
  Value col;
  bool pointwise = kh == 1 && kw == 1 && strides[0] == 1 && strides[1] == 1 &&
                   it.getDimSize(2) == oh && it.getDimSize(3) == ow;
  if (pointwise) {
    // A 1x1 stride-1 convolution's patches are its input.
    col = b.create<tensor::CollapseShapeOp>(
        loc, colType, input,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  } else if (strides[1] >= 2 && dilations[0] == 1 && dilations[1] == 1 &&
             !ShapedType::isDynamicShape(it.getShape().drop_front())) {
    auto patchType =
        RankedTensorType::get({it.getDimSize(0), c, kh, kw, oh, ow}, f32);
    col = b.create<tensor::CollapseShapeOp>(
        loc, colType,
        stridedPatches(b, loc, input, patchType, batch, strides, lanes),
        SmallVector<ReassociationIndices>{{0}, {1, 2, 3}, {4, 5}});
  } else {
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
    col = b.create<tensor::CollapseShapeOp>(
        loc, colType, patches,
        SmallVector<ReassociationIndices>{{0}, {1, 2, 3}, {4, 5}});
  }
  Value w2 = b.create<tensor::CollapseShapeOp>(
      loc, RankedTensorType::get({f, c * kh * kw}, f32), weight,
      SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
  SmallVector<ReassociationIndices> pixels = {{0}, {1}, {2, 3}};
  auto flatType = RankedTensorType::get({ot.getDimSize(0), f, oh * ow}, f32);
  Value acc = b.create<tensor::CollapseShapeOp>(loc, flatType, init, pixels);

  // Whole vectors of pixels go through register blocks; a remainder (196 =
  // 14x14 pixels: 192 + 4 with 16 lanes) takes dot products of its own.
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
    Value rest = remainderByDotProducts(
        b, loc, input, batch, w2,
        pixelSlice(b, loc, acc, blocked, p - blocked), blocked, ow, {kh, kw},
        strides, dilations, lanes);
    out = insertPixels(b, loc, main, acc, 0);
    out = insertPixels(b, loc, rest, out, blocked);
  }
  return b.create<tensor::ExpandShapeOp>(loc, ot, out, pixels).getResult();
}

//===- GradientPatterns.cpp - Backward ops -> linalg ----------------------===//
//
// The input-gradient of a convolution is made of stride-1 convolutions
// with the flipped kernel (one per phase of a strided convolution's input,
// or of the spread-out output gradient), so it reuses the forward's
// lowering (and the CPU's convolution loop order); the other backward ops
// are linalg.generic ops.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/DLToLinalg/Patterns.h"
#include "compiler/Dialect/DL/IR/DLOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <limits>

using namespace mlir;
using namespace dlc;

namespace {

SmallVector<utils::IteratorType> parallel(int64_t n) {
  return SmallVector<utils::IteratorType>(n, utils::IteratorType::parallel);
}

/// The input gradient of a strided convolution (no groups, no dilation)
/// without spreading dy into zeros, which multiplies by s*s the work: the
/// input's positions y = r + s*Y of one phase r (per axis) receive only
/// the taps i with i = r + p (mod s), from dy[Y + (r + p - i)/s], a
/// stride-1 convolution of a window of dy with those taps flipped. Each
/// phase's result is written at stride s into dx; a phase no tap reaches
/// (a 1x1 kernel's odd positions) stays zero.
Value phaseConvolutions(OpBuilder &b, Location loc, Value dy, Value w,
                        RankedTensorType type, ArrayRef<int64_t> s,
                        ArrayRef<int64_t> p) {
  auto wt = cast<RankedTensorType>(w.getType());
  int64_t k[2] = {wt.getDimSize(2), wt.getDimSize(3)};
  int64_t out[2] = {type.getDimSize(2), type.getDimSize(3)};
  MLIRContext *ctx = b.getContext();
  auto e = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  // Per axis and phase: the first tap, the tap count and the phase's size.
  struct Phase {
    int64_t first, taps, size;
  };
  SmallVector<Phase> phases[2];
  bool zeros = false;
  for (int a = 0; a < 2; ++a)
    for (int64_t r = 0; r < s[a]; ++r) {
      Phase ph{0, 0, (out[a] - r + s[a] - 1) / s[a]};
      ph.first = (((r + p[a]) % s[a]) + s[a]) % s[a];
      ph.taps = ph.first < k[a] ? (k[a] - 1 - ph.first) / s[a] + 1 : 0;
      zeros |= ph.taps == 0 && ph.size > 0;
      phases[a].push_back(ph);
    }
  Value dx = zeros ? filledTensor(b, loc, type, dy, 0.0)
                   : emptyTensor(b, loc, type, dy);
  Value n = b.create<tensor::DimOp>(loc, dy, 0);
  for (int64_t ry = 0; ry < s[0]; ++ry)
    for (int64_t rx = 0; rx < s[1]; ++rx) {
      Phase py = phases[0][ry], px = phases[1][rx];
      if (!py.taps || !px.taps || !py.size || !px.size)
        continue;
      // dy row of tap t (ascending i) for Y = 0: (r + p - i_t) / s, which
      // falls by one per tap; the last tap's is the window's first row.
      int64_t lastY = py.first + (py.taps - 1) * s[0];
      int64_t lastX = px.first + (px.taps - 1) * s[1];
      int64_t start[2] = {(ry + p[0] - lastY) / s[0], (rx + p[1] - lastX) / s[1]};
      int64_t size[2] = {py.size + py.taps - 1, px.size + px.taps - 1};
      Value window = windowSpatial(b, loc, dy, start, size);
      // taps[c, f, u, v] = w[f, c, lastY - s*u, lastX - s*v]
      auto tapsType = RankedTensorType::get(
          {type.getDimSize(1), wt.getDimSize(0), py.taps, px.taps},
          wt.getElementType());
      Value taps = gather(
          b, loc, w,
          AffineMap::get(
              4, 0, {e(1), e(0), lastY - e(2) * s[0], lastX - e(3) * s[1]},
              ctx),
          b.create<tensor::EmptyOp>(loc, tapsType.getShape(),
                                    tapsType.getElementType()));
      auto phaseType = RankedTensorType::get(
          {type.getDimSize(0), type.getDimSize(1), py.size, px.size},
          type.getElementType());
      Value conv = b.create<dl::Conv2DOp>(
          loc, phaseType, window, taps, Value(),
          b.getDenseI64ArrayAttr({1, 1}), b.getDenseI64ArrayAttr({0, 0}),
          b.getDenseI64ArrayAttr({1, 1}), b.getI64IntegerAttr(1));
      SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(0),
                                           b.getIndexAttr(ry),
                                           b.getIndexAttr(rx)};
      SmallVector<OpFoldResult> sizes = {n, b.getIndexAttr(type.getDimSize(1)),
                                         b.getIndexAttr(py.size),
                                         b.getIndexAttr(px.size)};
      SmallVector<OpFoldResult> strides = {b.getIndexAttr(1), b.getIndexAttr(1),
                                           b.getIndexAttr(s[0]),
                                           b.getIndexAttr(s[1])};
      dx = b.create<tensor::InsertSliceOp>(loc, conv, dx, offsets, sizes,
                                           strides);
    }
  return dx;
}

struct Conv2DGradInputLowering : OpConversionPattern<dl::Conv2DGradInputOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::Conv2DGradInputOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value dy = adaptor.getGrad(), w = adaptor.getWeight();
    auto wt = cast<RankedTensorType>(w.getType());
    RankedTensorType type = op.getType();
    ArrayRef<int64_t> s = op.getStride(), p = op.getPadding(),
                      d = op.getDilation();
    int64_t groups = op.getGroups();
    int64_t k[2] = {wt.getDimSize(2), wt.getDimSize(3)};
    bool strided = s[0] > 1 || s[1] > 1;
    if (strided && groups == 1 && d[0] == 1 && d[1] == 1) {
      b.replaceOp(op, phaseConvolutions(b, loc, dy, w, type, s, p));
      return success();
    }
    // dy[o] lands at q + o*s of a zero tensor as large as the input plus
    // the dilated kernel's reach.
    int64_t q[2], size[2];
    for (int i = 0; i < 2; ++i) {
      q[i] = d[i] * (k[i] - 1) - p[i];
      size[i] = type.getDimSize(2 + i) + d[i] * (k[i] - 1);
      if (q[i] < 0)
        return b.notifyMatchFailure(op, "padding beyond the dilated kernel");
    }
    Value spread = spreadSpatial(b, loc, dy, s, q, size);
    // flipped[c, f', i, j] = w[g * F/G + f', c mod C/G, k-1-i, k-1-j] with
    // g = c div C/G: the kernel of the convolution from F to C channels.
    int64_t f = wt.getDimSize(0), cg = wt.getDimSize(1);
    int64_t c = type.getDimSize(1), fg = f / groups;
    MLIRContext *ctx = b.getContext();
    AffineExpr e0 = getAffineDimExpr(0, ctx), e1 = getAffineDimExpr(1, ctx),
               e2 = getAffineDimExpr(2, ctx), e3 = getAffineDimExpr(3, ctx);
    auto flippedType =
        RankedTensorType::get({c, fg, k[0], k[1]}, wt.getElementType());
    Value flipped = gather(
        b, loc, w,
        AffineMap::get(4, 0,
                       {groups == 1 ? e1 : e0.floorDiv(cg) * fg + e1,
                        groups == 1 ? e0 : e0 % cg, (k[0] - 1) - e2,
                        (k[1] - 1) - e3},
                       ctx),
        b.create<tensor::EmptyOp>(loc, flippedType.getShape(),
                                  flippedType.getElementType()));
    auto conv = b.create<dl::Conv2DOp>(
        loc, type, spread, flipped, Value(), b.getDenseI64ArrayAttr({1, 1}),
        b.getDenseI64ArrayAttr({0, 0}), b.getDenseI64ArrayAttr(d),
        b.getI64IntegerAttr(groups));
    b.replaceOp(op, conv.getResult());
    return success();
  }
};

/// dw[f, c', i, j] = sum over n, y, x of dy[n, f, y, x] *
/// xpad[n, (f div F/G) * C/G + c', y*s + i*d, x*s + j*d].
/// Without groups: dw[F, C*KH*KW] = dyT[F, N*OH*OW] cols[C*KH*KW, N*OH*OW]^T,
/// a product of the transposed output gradient and the input's patches
/// (im2col, one row per weight), both contiguous along the reduction, so
/// that a code generator can run vectors along it (as the dense layers'
/// dot products) in a fixed order: the same bits on any number of threads.
struct Conv2DGradWeightLowering : OpConversionPattern<dl::Conv2DGradWeightOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::Conv2DGradWeightOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    ArrayRef<int64_t> s = op.getStride(), d = op.getDilation();
    Value x = padSpatial(b, loc, adaptor.getInput(), op.getPadding(), 0.0);
    RankedTensorType type = op.getType();
    if (op.getGroups() == 1) {
      b.replaceOp(op, asMatmul(b, loc, x, adaptor.getGrad(), type, s, d));
      return success();
    }
    int64_t fg = type.getDimSize(0) / op.getGroups(), cg = type.getDimSize(1);
    MLIRContext *ctx = b.getContext();
    auto e = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    // Loops (f, c', i, j, n, y, x).
    SmallVector<AffineMap> maps = {
        AffineMap::get(
            7, 0,
            {e(4), op.getGroups() == 1 ? e(1) : e(0).floorDiv(fg) * cg + e(1),
             e(5) * s[0] + e(2) * d[0], e(6) * s[1] + e(3) * d[1]},
            ctx),
        AffineMap::get(7, 0, {e(4), e(0), e(5), e(6)}, ctx),
        AffineMap::get(7, 0, {e(0), e(1), e(2), e(3)}, ctx)};
    SmallVector<utils::IteratorType> iterators = parallel(7);
    for (int i = 4; i < 7; ++i)
      iterators[i] = utils::IteratorType::reduction;
    Value zeros = filledTensor(b, loc, type, Value(), 0.0);
    b.replaceOp(op,
                generic(b, loc, ValueRange{x, adaptor.getGrad()}, maps, zeros,
                        iterators, [](OpBuilder &nb, Location l, ValueRange a) {
                          return SmallVector<Value>{nb.create<arith::AddFOp>(
                              l, a[2], Arith{nb, l}.mul(a[0], a[1]))};
                        }));
    return success();
  }
  static Value asMatmul(OpBuilder &b, Location loc, Value x, Value dy,
                        RankedTensorType type, ArrayRef<int64_t> s,
                        ArrayRef<int64_t> d) {
    MLIRContext *ctx = b.getContext();
    auto e = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    auto dyType = cast<RankedTensorType>(dy.getType());
    int64_t f = type.getDimSize(0), c = type.getDimSize(1);
    int64_t kh = type.getDimSize(2), kw = type.getDimSize(3);
    int64_t oh = dyType.getDimSize(2), ow = dyType.getDimSize(3);
    Type f32 = type.getElementType();
    // cols[c, i, j, n, y, x] = xpad[n, c, y*s + i*d, x*s + j*d]
    auto colsType =
        RankedTensorType::get({c, kh, kw, ShapedType::kDynamic, oh, ow}, f32);
    Value n = b.create<tensor::DimOp>(loc, dy, 0);
    Value cols = gather(
        b, loc, x,
        AffineMap::get(
            6, 0,
            {e(3), e(0), e(4) * s[0] + e(1) * d[0], e(5) * s[1] + e(2) * d[1]},
            ctx),
        b.create<tensor::EmptyOp>(loc, colsType, ValueRange{n}));
    // dyT[f, n, y, x] = dy[n, f, y, x]
    auto dyTType =
        RankedTensorType::get({f, ShapedType::kDynamic, oh, ow}, f32);
    Value dyT =
        gather(b, loc, dy, AffineMap::get(4, 0, {e(1), e(0), e(2), e(3)}, ctx),
               b.create<tensor::EmptyOp>(loc, dyTType, ValueRange{n}));
    Value lhs = b.create<tensor::CollapseShapeOp>(
        loc, dyT, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
    Value rhs = b.create<tensor::CollapseShapeOp>(
        loc, cols, SmallVector<ReassociationIndices>{{0, 1, 2}, {3, 4, 5}});
    auto flatType = RankedTensorType::get({f, c * kh * kw}, f32);
    Value product = b.create<linalg::MatmulTransposeBOp>(
                         loc, TypeRange{flatType}, ValueRange{lhs, rhs},
                         filledTensor(b, loc, flatType, Value(), 0.0))
                        .getResult(0);
    return b.create<tensor::ExpandShapeOp>(
        loc, type, product, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
  }
};

struct MatmulLowering : OpConversionPattern<dl::MatmulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::MatmulOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value a = adaptor.getA(), m = adaptor.getB();
    Value init = adaptor.getBias()
                     ? broadcastChannels(b, loc, adaptor.getBias(),
                                         emptyTensor(b, loc, op.getType(), a))
                     : filledTensor(b, loc, op.getType(), a, 0.0);
    Operation *product =
        op.getTransposeA()
            ? b.create<linalg::MatmulTransposeAOp>(loc, TypeRange{op.getType()},
                                                   ValueRange{a, m}, init)
                  .getOperation()
            : b.create<linalg::MatmulOp>(loc, TypeRange{op.getType()},
                                         ValueRange{a, m}, init)
                  .getOperation();
    b.replaceOp(op, product->getResults());
    return success();
  }
};

struct ChannelSumLowering : OpConversionPattern<dl::ChannelSumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::ChannelSumOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    b.replaceOp(
        op, sumOver(b, op.getLoc(), adaptor.getInput(), {1},
                    [](OpBuilder &, Location, ValueRange a) { return a[0]; }));
    return success();
  }
};

/// dy * f'(v) for the activations.
template <typename OpTy>
struct ActivationGradLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    double alpha = 0;
    if constexpr (std::is_same_v<OpTy, dl::LeakyReluGradOp>)
      alpha = op.getAlpha().convertToDouble();
    b.replaceOp(op, elementwise(b, op.getLoc(), op.getType(),
                                {adaptor.getGrad(), adaptor.getValue()},
                                [&](OpBuilder &nb, Location l, ValueRange a) {
                                  return derivative(nb, l, a[0], a[1], alpha);
                                }));
    return success();
  }

  static Value derivative(OpBuilder &b, Location l, Value dy, Value v,
                          double alpha) {
    Value zero = f32Constant(b, l, 0.0), one = f32Constant(b, l, 1.0);
    if constexpr (std::is_same_v<OpTy, dl::SigmoidGradOp>)
      return Arith{b, l}.mul(dy, Arith{b, l}.mul(v, Arith{b, l}.sub(one, v)));
    if constexpr (std::is_same_v<OpTy, dl::TanhGradOp>)
      return Arith{b, l}.mul(dy, Arith{b, l}.sub(one, Arith{b, l}.mul(v, v)));
    Value positive =
        b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OGT, v, zero);
    Value otherwise = std::is_same_v<OpTy, dl::LeakyReluGradOp>
                          ? Arith{b, l}.mul(dy, f32Constant(b, l, alpha))
                          : zero;
    return b.create<arith::SelectOp>(l, positive, dy, otherwise);
  }
};

/// y * (dy - sum(dy * y)) along the axis.
struct SoftmaxGradLowering : OpConversionPattern<dl::SoftmaxGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::SoftmaxGradOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value dy = adaptor.getGrad(), y = adaptor.getValue();
    Value prod = elementwise(b, loc, op.getType(), {dy, y},
                             [](OpBuilder &nb, Location l, ValueRange a) {
                               return Arith{nb, l}.mul(a[0], a[1]);
                             });
    Value dot =
        reduce(b, loc, prod, op.getAxis(), 0.0,
               [](OpBuilder &nb, Location l, ValueRange a) {
                 return nb.create<arith::AddFOp>(l, a[0], a[1]).getResult();
               });
    Value shifted = withReduced(b, loc, dy, dot, op.getAxis(),
                                [](OpBuilder &nb, Location l, ValueRange a) {
                                  return Arith{nb, l}.sub(a[0], a[1]);
                                });
    b.replaceOp(op, elementwise(b, loc, op.getType(), {shifted, y},
                                [](OpBuilder &nb, Location l, ValueRange a) {
                                  return Arith{nb, l}.mul(a[0], a[1]);
                                }));
    return success();
  }
};

struct ReshapeLowering : OpConversionPattern<dl::ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::ReshapeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    RankedTensorType type = op.getType();
    auto all = [](int64_t rank) {
      SmallVector<ReassociationIndices> r = {{0}, {}};
      for (int64_t i = 1; i < rank; ++i)
        r[1].push_back(i);
      return r;
    };
    int64_t rank = cast<ShapedType>(x.getType()).getRank();
    if (x.getType() == type) {
      b.replaceOp(op, x);
      return success();
    }
    if (rank > 2) // [N, a, b, ...] -> [N, a*b*...] first
      x = b.create<tensor::CollapseShapeOp>(loc, x, all(rank));
    if (type.getRank() > 2)
      x = b.create<tensor::ExpandShapeOp>(loc, type, x, all(type.getRank()));
    b.replaceOp(op, x);
    return success();
  }
};

struct SliceLowering : OpConversionPattern<dl::SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::SliceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    int64_t axis = op.getAxis(), rank = op.getType().getRank();
    SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
    offsets[axis] = b.getIndexAttr(op.getOffset());
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, x);
    sizes[axis] = b.getIndexAttr(op.getType().getDimSize(axis));
    SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
    b.replaceOpWithNewOp<tensor::ExtractSliceOp>(op, op.getType(), x, offsets,
                                                 sizes, strides);
    return success();
  }
};

/// For each output window of a max pool, the position (i * k + j) of its
/// first maximum, PyTorch's choice on ties.
Value windowArgmax(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> k,
                   ArrayRef<int64_t> s, ArrayRef<int64_t> p,
                   RankedTensorType dyType, Value dy) {
  Value xp = padSpatial(b, loc, x, p, -std::numeric_limits<float>::infinity());
  MLIRContext *ctx = b.getContext();
  auto e = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  Value window = b.create<tensor::EmptyOp>(loc, k, b.getF32Type());
  auto idxType = RankedTensorType::get(dyType.getShape(), b.getI32Type());
  Value max =
      filledTensor(b, loc, dyType, dy, -std::numeric_limits<float>::infinity());
  Value idx = b.create<linalg::FillOp>(
                   loc, b.create<arith::ConstantIntOp>(loc, -1, 32).getResult(),
                   emptyTensor(b, loc, idxType, dy))
                  .getResult(0);
  AffineMap out = AffineMap::get(6, 0, {e(0), e(1), e(2), e(3)}, ctx);
  SmallVector<AffineMap> maps = {
      AffineMap::get(6, 0, {e(0), e(1), e(2) * s[0] + e(4), e(3) * s[1] + e(5)},
                     ctx),
      AffineMap::get(6, 0, {e(4), e(5)}, ctx), out, out};
  SmallVector<utils::IteratorType> iterators = parallel(6);
  iterators[4] = iterators[5] = utils::IteratorType::reduction;
  return generic(
      b, loc, ValueRange{xp, window}, maps, ValueRange{max, idx}, iterators,
      [&](OpBuilder &nb, Location l, ValueRange a) {
        Value better =
            nb.create<arith::CmpFOp>(l, arith::CmpFPredicate::OGT, a[0], a[2]);
        Value i = nb.create<linalg::IndexOp>(l, 4),
              j = nb.create<linalg::IndexOp>(l, 5);
        Value at = nb.create<arith::AddIOp>(
            l,
            nb.create<arith::MulIOp>(
                l, i, nb.create<arith::ConstantIndexOp>(l, k[1])),
            j);
        at = nb.create<arith::IndexCastOp>(l, nb.getI32Type(), at);
        return SmallVector<Value>{
            nb.create<arith::SelectOp>(l, better, a[0], a[2]),
            nb.create<arith::SelectOp>(l, better, at, a[3])};
      },
      /*result=*/1);
}

/// dx[h, w] gathers, from each window that holds (h, w) (at most
/// ceil(k / s) per axis, loops a and b), dy / k^2 (average) or dy where
/// (h, w) is the window's maximum.
template <typename OpTy> struct PoolGradLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  static constexpr bool isMax = std::is_same_v<OpTy, dl::MaxPool2DGradOp>;

  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value dy = adaptor.getGrad(), x = adaptor.getInput();
    auto dyType = cast<RankedTensorType>(dy.getType());
    RankedTensorType type = op.getType();
    ArrayRef<int64_t> k = op.getKernel(), s = op.getStride(),
                      p = op.getPadding();
    MLIRContext *ctx = b.getContext();
    auto e = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    double area = double(k[0] * k[1]);
    if (!isMax && k[0] == type.getDimSize(2) && k[1] == type.getDimSize(3) &&
        p[0] == 0 && p[1] == 0) { // global average: a broadcast
      AffineMap corner =
          AffineMap::get(4, 0,
                         {e(0), e(1), getAffineConstantExpr(0, ctx),
                          getAffineConstantExpr(0, ctx)},
                         ctx);
      b.replaceOp(op,
                  generic(b, loc, dy,
                          {corner, AffineMap::getMultiDimIdentityMap(4, ctx)},
                          emptyTensor(b, loc, type, x), parallel(4),
                          [&](OpBuilder &nb, Location l, ValueRange a) {
                            return SmallVector<Value>{nb.create<arith::DivFOp>(
                                l, a[0], f32Constant(nb, l, area))};
                          }));
      return success();
    }
    Value argmax =
        isMax ? windowArgmax(b, loc, x, k, s, p, dyType, dy) : Value();
    int64_t reach[2] = {(k[0] + s[0] - 1) / s[0], (k[1] + s[1] - 1) / s[1]};
    Value windows = b.create<tensor::EmptyOp>(loc, reach, b.getF32Type());
    SmallVector<AffineMap> maps = {
        AffineMap::get(6, 0, {e(4), e(5)}, ctx),
        AffineMap::get(6, 0, {e(0), e(1), e(2), e(3)}, ctx)};
    SmallVector<utils::IteratorType> iterators = parallel(6);
    iterators[4] = iterators[5] = utils::IteratorType::reduction;
    Value zeros = filledTensor(b, loc, type, x, 0.0);
    b.replaceOp(
        op,
        generic(
            b, loc, windows, maps, zeros, iterators,
            [&](OpBuilder &nb, Location l, ValueRange a) {
              auto index = [&](int64_t v) {
                return nb.create<arith::ConstantIndexOp>(l, v).getResult();
              };
              Value valid = nb.create<arith::ConstantIntOp>(l, 1, 1);
              Value at[2], local[2];
              for (int i = 0; i < 2; ++i) {
                Value hp = nb.create<arith::AddIOp>(
                    l, nb.create<linalg::IndexOp>(l, 2 + i), index(p[i]));
                // The window's row: hp / s - a, valid when in [0, out) and the
                // window (rows o*s .. o*s + k - 1) reaches hp.
                Value o = nb.create<arith::SubIOp>(
                    l, nb.create<arith::DivUIOp>(l, hp, index(s[i])),
                    nb.create<linalg::IndexOp>(l, 4 + i));
                Value out = index(dyType.getDimSize(2 + i));
                local[i] = nb.create<arith::SubIOp>(
                    l, hp, nb.create<arith::MulIOp>(l, o, index(s[i])));
                auto check = [&](arith::CmpIPredicate pred, Value x, Value y) {
                  valid = nb.create<arith::AndIOp>(
                      l, valid, nb.create<arith::CmpIOp>(l, pred, x, y));
                };
                check(arith::CmpIPredicate::sge, o, index(0));
                check(arith::CmpIPredicate::slt, o, out);
                check(arith::CmpIPredicate::slt, local[i], index(k[i]));
                at[i] = nb.create<arith::MinSIOp>(
                    l, nb.create<arith::MaxSIOp>(l, o, index(0)),
                    nb.create<arith::SubIOp>(l, out, index(1)));
              }
              SmallVector<Value> where = {nb.create<linalg::IndexOp>(l, 0),
                                          nb.create<linalg::IndexOp>(l, 1),
                                          at[0], at[1]};
              Value g = nb.create<tensor::ExtractOp>(l, dy, where);
              if (isMax) {
                Value pos = nb.create<arith::AddIOp>(
                    l, nb.create<arith::MulIOp>(l, local[0], index(k[1])),
                    local[1]);
                Value best = nb.create<arith::IndexCastOp>(
                    l, nb.getIndexType(),
                    nb.create<tensor::ExtractOp>(l, argmax, where));
                valid = nb.create<arith::AndIOp>(
                    l, valid,
                    nb.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq, pos,
                                             best));
              } else {
                g = nb.create<arith::DivFOp>(l, g, f32Constant(nb, l, area));
              }
              Value add = nb.create<arith::AddFOp>(l, a[1], g);
              return SmallVector<Value>{
                  nb.create<arith::SelectOp>(l, valid, add, a[1])};
            }));
    return success();
  }
};

} // namespace

void dlc::populateGradientPatterns(RewritePatternSet &patterns) {
  patterns
      .add<Conv2DGradInputLowering, Conv2DGradWeightLowering, MatmulLowering,
           ChannelSumLowering, ActivationGradLowering<dl::ReluGradOp>,
           ActivationGradLowering<dl::LeakyReluGradOp>,
           ActivationGradLowering<dl::SigmoidGradOp>,
           ActivationGradLowering<dl::TanhGradOp>, SoftmaxGradLowering,
           ReshapeLowering, SliceLowering>(patterns.getContext());
  patterns.add<PoolGradLowering<dl::MaxPool2DGradOp>,
               PoolGradLowering<dl::AvgPool2DGradOp>>(patterns.getContext());
}

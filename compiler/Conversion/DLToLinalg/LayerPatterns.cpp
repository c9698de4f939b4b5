//===- LayerPatterns.cpp - dl layers with weights -> linalg ---------------===//

#include "compiler/Conversion/DLToLinalg/Patterns.h"
#include "compiler/Dialect/DL/IR/DLOps.h"
#include "compiler/Dialect/DL/IR/Winograd.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace dlc;

namespace {

DenseIntElementsAttr pairAttr(OpBuilder &b, ArrayRef<int64_t> v) {
  return b.getI64TensorAttr(v);
}

/// The accumulator a layer starts from: its bias, or zeros.
Value initWithBias(OpBuilder &b, Location loc, RankedTensorType type,
                   Value bias, Value like) {
  if (!bias)
    return filledTensor(b, loc, type, like, 0.0);
  return broadcastChannels(b, loc, bias, emptyTensor(b, loc, type, like));
}

RankedTensorType withShape(RankedTensorType t, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, t.getElementType());
}

/// Cross-correlation of the padded input with `weight` [F, C, k, k], as
/// PyTorch's Conv2d computes it; `groups` splits both channel dimensions.
/// `batchOf` is the layer's unpadded input, whose batch the result has.
Value convolve(OpBuilder &b, Location loc, Value input, Value batchOf,
               Value weight, Value bias, RankedTensorType type,
               ArrayRef<int64_t> stride, ArrayRef<int64_t> dilation,
               int64_t groups) {
  Value init = initWithBias(b, loc, type, bias, batchOf);
  if (groups == 1)
    return b
        .create<linalg::Conv2DNchwFchwOp>(loc, TypeRange{type},
                                          ValueRange{input, weight}, init,
                                          pairAttr(b, stride),
                                          pairAttr(b, dilation))
        .getResult(0);
  // [N, C, H, W] -> [N, G, C/G, H, W]; [F, C/G, k, k] -> [G, F/G, C/G, k, k].
  auto split = [&](Value v, int64_t dim) {
    auto t = cast<RankedTensorType>(v.getType());
    SmallVector<int64_t> shape(t.getShape());
    shape[dim] = ShapedType::isDynamic(shape[dim]) ? shape[dim]
                                                   : shape[dim] / groups;
    shape.insert(shape.begin() + dim, groups);
    SmallVector<ReassociationIndices> groupsOf;
    for (int64_t i = 0, r = t.getRank(); i < r; ++i)
      groupsOf.push_back(i < dim ? ReassociationIndices{i}
                         : i == dim ? ReassociationIndices{i, i + 1}
                                    : ReassociationIndices{i + 1});
    return std::make_pair(
        b.create<tensor::ExpandShapeOp>(loc, withShape(t, shape), v, groupsOf)
            .getResult(),
        groupsOf);
  };
  Value in = split(input, 1).first, w = split(weight, 0).first;
  auto [out, reassociation] = split(init, 1);
  Value conv = b.create<linalg::Conv2DNgchwGfchwOp>(
                    loc, TypeRange{out.getType()}, ValueRange{in, w}, out,
                    pairAttr(b, stride), pairAttr(b, dilation))
                   .getResult(0);
  return b.create<tensor::CollapseShapeOp>(loc, type, conv, reassociation);
}

struct Conv2DLowering : OpConversionPattern<dl::Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::Conv2DOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value input = padSpatial(b, loc, adaptor.getInput(), op.getPadding(), 0.0);
    b.replaceOp(op, convolve(b, loc, input, adaptor.getInput(),
                             adaptor.getWeight(),
                             adaptor.getBias(), op.getType(), op.getStride(),
                             op.getDilation(), op.getGroups()));
    return success();
  }
};

/// Transposed convolution. When the kernel equals the stride and there is
/// no padding (U-Net's up-convolution) every output pixel receives exactly
/// one input pixel: one contraction over the channels into
/// [N, F, k, k, H, W] (a matrix product per sample whose rows are the
/// weights' (f, i, j) and whose columns are the input's pixels, contiguous
/// in both operands), then interleaved into [N, F, H*k, W*k]. Otherwise
/// the input is spread out by the stride, padded by k-1-pad, and convolved
/// with the flipped kernel — the textbook equivalence.
struct ConvTranspose2DLowering : OpConversionPattern<dl::ConvTranspose2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::ConvTranspose2DOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput(), w = adaptor.getWeight();
    auto xt = cast<RankedTensorType>(x.getType());
    auto wt = cast<RankedTensorType>(w.getType());
    RankedTensorType type = op.getType();
    int64_t k0 = wt.getDimSize(2), k1 = wt.getDimSize(3);
    ArrayRef<int64_t> s = op.getStride(), p = op.getPadding();
    if (k0 == s[0] && k1 == s[1] && p[0] == 0 && p[1] == 0) {
      b.replaceOp(op, upsample(b, loc, x, w, adaptor.getBias(), type));
      return success();
    }
    if (p[0] > k0 - 1 || p[1] > k1 - 1)
      return b.notifyMatchFailure(op, "padding larger than kernel - 1");
    // Spread: x[h, w] lands at [q + h*s, q + w*s] of a zero tensor.
    int64_t q0 = k0 - 1 - p[0], q1 = k1 - 1 - p[1];
    int64_t h = (xt.getDimSize(2) - 1) * s[0] + 1 + 2 * q0;
    int64_t wd = (xt.getDimSize(3) - 1) * s[1] + 1 + 2 * q1;
    Value spread = spreadSpatial(b, loc, x, s, {q0, q1}, {h, wd});
    // flipped[f, c, i, j] = w[c, f, k-1-i, k-1-j]
    MLIRContext *ctx = b.getContext();
    AffineExpr f = getAffineDimExpr(0, ctx), c = getAffineDimExpr(1, ctx),
               i = getAffineDimExpr(2, ctx), j = getAffineDimExpr(3, ctx);
    auto flippedType = withShape(wt, {wt.getDimSize(1), wt.getDimSize(0), k0, k1});
    SmallVector<AffineMap> maps = {
        AffineMap::get(4, 0, {c, f, (k0 - 1) - i, (k1 - 1) - j}, ctx),
        AffineMap::getMultiDimIdentityMap(4, ctx)};
    Value flipped =
        b.create<linalg::GenericOp>(
             loc, flippedType, w,
             b.create<tensor::EmptyOp>(loc, flippedType.getShape(),
                                       flippedType.getElementType())
                 .getResult(),
             maps,
             SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
             [](OpBuilder &nb, Location nloc, ValueRange args) {
               nb.create<linalg::YieldOp>(nloc, args[0]);
             })
            .getResult(0);
    b.replaceOp(op, convolve(b, loc, spread, x, flipped, adaptor.getBias(),
                             type, {1, 1}, {1, 1}, 1));
    return success();
  }

  static Value upsample(OpBuilder &b, Location loc, Value x, Value w,
                        Value bias, RankedTensorType type) {
    auto wt = cast<RankedTensorType>(w.getType());
    auto xt = cast<RankedTensorType>(x.getType());
    int64_t k0 = wt.getDimSize(2), k1 = wt.getDimSize(3);
    int64_t n = type.getDimSize(0), f = type.getDimSize(1);
    int64_t h = xt.getDimSize(2), wd = xt.getDimSize(3);
    auto products = withShape(type, {n, f, k0, k1, h, wd});
    Value init = initWithBias(b, loc, products, bias, x);
    // Loops (n, f, i, j, c, h, w): t[n, f, i, j, h, w] += x[n, c, h, w] *
    // w[c, f, i, j].
    MLIRContext *ctx = b.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineMap> maps = {
        AffineMap::get(7, 0, {d(0), d(4), d(5), d(6)}, ctx),
        AffineMap::get(7, 0, {d(4), d(1), d(2), d(3)}, ctx),
        AffineMap::get(7, 0, {d(0), d(1), d(2), d(3), d(5), d(6)}, ctx)};
    SmallVector<utils::IteratorType> iterators(7, utils::IteratorType::parallel);
    iterators[4] = utils::IteratorType::reduction;
    Value t = b.create<linalg::GenericOp>(
                   loc, products, ValueRange{x, w}, init, maps, iterators,
                   [](OpBuilder &nb, Location nloc, ValueRange args) {
                     Value m = nb.create<arith::MulFOp>(nloc, args[0], args[1]);
                     nb.create<linalg::YieldOp>(
                         nloc,
                         nb.create<arith::AddFOp>(nloc, args[2], m).getResult());
                   })
                  .getResult(0);
    // out[n, f, h, i, w, j] = t[n, f, i, j, h, w]
    auto blocked = withShape(type, {n, f, h, k0, wd, k1});
    Value out =
        b.create<linalg::GenericOp>(
             loc, blocked, t, emptyTensor(b, loc, blocked, x),
             SmallVector<AffineMap>{
                 AffineMap::get(6, 0, {d(0), d(1), d(3), d(5), d(2), d(4)},
                                ctx),
                 AffineMap::getMultiDimIdentityMap(6, ctx)},
             SmallVector<utils::IteratorType>(6, utils::IteratorType::parallel),
             [](OpBuilder &nb, Location nloc, ValueRange args) {
               nb.create<linalg::YieldOp>(nloc, args[0]);
             })
            .getResult(0);
    SmallVector<ReassociationIndices> merge = {{0}, {1}, {2, 3}, {4, 5}};
    return b.create<tensor::CollapseShapeOp>(loc, type, out, merge);
  }
};

struct DenseLowering : OpConversionPattern<dl::DenseOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::DenseOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value init =
        initWithBias(b, loc, op.getType(), adaptor.getBias(), adaptor.getInput());
    // y = x W^T (+ b): PyTorch keeps W as [out, in].
    b.replaceOp(op, b.create<linalg::MatmulTransposeBOp>(
                          loc, TypeRange{op.getType()},
                          ValueRange{adaptor.getInput(), adaptor.getWeight()},
                          init)
                        .getResult(0));
    return success();
  }
};

/// Inference batchnorm: (x - mean) * weight / sqrt(var + eps) + bias.
struct BatchNormLowering : OpConversionPattern<dl::BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::BatchNormOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    if (op.getTraining())
      return b.notifyMatchFailure(op, "training batchnorm is lowered by the "
                                      "training pipeline");
    Location loc = op.getLoc();
    double eps = op.getEps().convertToDouble();
    Value y = elementwise(
        b, loc, op.getType(),
        {adaptor.getInput(), adaptor.getWeight(), adaptor.getBias(),
         adaptor.getRunningMean(), adaptor.getRunningVar()},
        [&](OpBuilder &nb, Location nloc, ValueRange a) {
          Value var = nb.create<arith::AddFOp>(nloc, a[4],
                                               f32Constant(nb, nloc, eps));
          Value scale = nb.create<arith::DivFOp>(
              nloc, a[1], nb.create<math::SqrtOp>(nloc, var));
          Value centred = nb.create<arith::SubFOp>(nloc, a[0], a[3]);
          Value scaled = nb.create<arith::MulFOp>(nloc, centred, scale);
          return nb.create<arith::AddFOp>(nloc, scaled, a[2]).getResult();
        });
    b.replaceOp(op, y);
    return success();
  }
};

/// A layer's weight and bias with inference batchnorm folded in:
/// s = gamma / sqrt(var + eps), weight * s per output channel (dimension 0),
/// (bias - mean) * s + beta.
struct FoldBatchNormLowering : OpConversionPattern<dl::FoldBatchNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::FoldBatchNormOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    double eps = op.getEps().convertToDouble();
    // Every shape here is static.
    auto empty = [&](RankedTensorType type) {
      return emptyTensor(b, loc, type, Value());
    };
    auto channels = cast<RankedTensorType>(op.getGamma().getType());
    auto perChannel = [&](ValueRange inputs, ScalarFn fn) {
      AffineMap id = b.getMultiDimIdentityMap(1);
      SmallVector<AffineMap> maps(inputs.size() + 1, id);
      return generic(b, loc, inputs, maps, {empty(channels)},
                     {utils::IteratorType::parallel},
                     [&](OpBuilder &nb, Location nloc, ValueRange a) {
                       return SmallVector<Value>{fn(nb, nloc, a)};
                     });
    };
    Value scale = perChannel(
        {adaptor.getGamma(), adaptor.getRunningVar()},
        [&](OpBuilder &nb, Location nloc, ValueRange a) {
          Arith m{nb, nloc};
          return m.div(a[0], m.sqrt(m.add(a[1], m.c(eps))));
        });
    auto weightType = cast<RankedTensorType>(op.getWeight().getType());
    unsigned rank = weightType.getRank();
    AffineMap id = b.getMultiDimIdentityMap(rank);
    Value weight = generic(
        b, loc, {adaptor.getWeight(), scale},
        {id, AffineMap::get(rank, 0, b.getAffineDimExpr(0)), id},
        {empty(weightType)},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &nb, Location nloc, ValueRange a) {
          return SmallVector<Value>{Arith{nb, nloc}.mul(a[0], a[1])};
        });
    SmallVector<Value> inputs = {adaptor.getRunningMean(), scale,
                                 adaptor.getBeta()};
    Value oldBias = adaptor.getBias();
    if (oldBias)
      inputs.push_back(oldBias);
    Value bias = perChannel(inputs, [&](OpBuilder &nb, Location nloc,
                                        ValueRange a) {
      Arith m{nb, nloc};
      Value centred = m.sub(oldBias ? a[3] : m.c(0), a[0]);
      return m.add(m.mul(centred, a[1]), a[2]);
    });
    b.replaceOp(op, {weight, bias});
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<dl::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::TransposeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Value input = adaptor.getInput();
    b.replaceOp(op, b.create<linalg::TransposeOp>(
                         op.getLoc(), input,
                         emptyTensor(b, op.getLoc(), op.getType(), Value()),
                         ArrayRef<int64_t>{1, 0})
                        ->getResults());
    return success();
  }
};

/// A constant f32 matrix.
template <size_t Rows, size_t Cols>
Value matrix(OpBuilder &b, Location loc, const float (&m)[Rows][Cols]) {
  auto type = RankedTensorType::get({int64_t(Rows), int64_t(Cols)},
                                    b.getF32Type());
  SmallVector<float> values;
  for (const auto &row : m)
    values.append(std::begin(row), std::end(row));
  return b.create<arith::ConstantOp>(
      loc, DenseElementsAttr::get(type, ArrayRef<float>(values)));
}

/// u[4a + b, x, y] = sum over i, j of G[a, i] G[b, j] k[i, j, x, y], the
/// kernel k = w (x, y = f, c) or, transposed, w flipped with its channels
/// swapped: one matrix product [16, 9] x [9, X*Y] with the constant
/// G[a, i] G[b, j], on the kernel gathered to [3, 3, X, Y].
struct WinogradFilterLowering : OpConversionPattern<dl::WinogradFilterOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::WinogradFilterOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    using namespace dl::winograd;
    RankedTensorType type = op.getType();
    int64_t x = type.getDimSize(1), y = type.getDimSize(2);
    Type f32 = type.getElementType();
    AffineExpr i, j, e0, e1;
    bindDims(b.getContext(), i, j, e0, e1);
    AffineMap read =
        op.getTransposed()
            ? AffineMap::get(4, 0, {e1, e0, (kR - 1) - i, (kR - 1) - j},
                             b.getContext())
            : AffineMap::get(4, 0, {e0, e1, i, j}, b.getContext());
    Value kernel = gather(
        b, loc, adaptor.getWeight(), read,
        b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{kR, kR, x, y}, f32));
    Value rows = b.create<tensor::CollapseShapeOp>(
        loc, RankedTensorType::get({kR * kR, x * y}, f32), kernel,
        SmallVector<ReassociationIndices>{{0, 1}, {2, 3}});
    float gg[kAlpha * kAlpha][kR * kR];
    for (int64_t a = 0; a < kAlpha; ++a)
      for (int64_t bb = 0; bb < kAlpha; ++bb)
        for (int64_t r = 0; r < kR; ++r)
          for (int64_t c = 0; c < kR; ++c)
            gg[a * kAlpha + bb][r * kR + c] = kG[a][r] * kG[bb][c];
    auto flatType = RankedTensorType::get({kAlpha * kAlpha, x * y}, f32);
    Value product =
        b.create<linalg::MatmulOp>(
             loc, TypeRange{flatType}, ValueRange{matrix(b, loc, gg), rows},
             ValueRange{filledTensor(b, loc, flatType, Value(), 0.0)})
            .getResult(0);
    // [16, X, Y]: its matrix product's rows stay one loop (register blocks
    // of rows) when the reshape folds into it.
    b.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, type, product, SmallVector<ReassociationIndices>{{0}, {1, 2}});
    return success();
  }
};

/// The reference form of F(2x2, 3x3), one linalg.generic over
/// (n, f, oy, ox, c, a, b, i, j):
///   y[n, f, oy, ox] += At[oy % 2, a] At[ox % 2, b] u[4a + b, f, c]
///                      Bt[a, i] Bt[b, j] x[n, c, 2(oy / 2) + i, 2(ox / 2) + j]
/// on the input padded to whole 2x2 blocks. Exact but 16 times the work of
/// the transforms: the CPU code generation recognises it (kConvolutionAttr)
/// and computes the transforms and the 16 products instead.
struct WinogradConv2DLowering : OpConversionPattern<dl::WinogradConv2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::WinogradConv2DOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    using namespace dl::winograd;
    Value x = adaptor.getInput();
    auto xt = cast<RankedTensorType>(x.getType());
    RankedTensorType type = op.getType();
    ArrayRef<int64_t> pad = op.getPadding();
    // Padded so that every 4x4 patch is inside: the last block of an odd
    // size reads one row (column) of zeros more.
    SmallVector<int64_t> size;
    for (int d = 0; d < 2; ++d)
      size.push_back(llvm::alignTo(type.getDimSize(2 + d), kM) + kR - 1);
    Value padded = x;
    if (pad[0] || pad[1] || size[0] != xt.getDimSize(2) ||
        size[1] != xt.getDimSize(3))
      padded = spreadSpatial(b, loc, x, {1, 1}, pad, size);
    Value at = matrix(b, loc, kAt), bt = matrix(b, loc, kBt);
    MLIRContext *ctx = b.getContext();
    AffineExpr n, f, oy, ox, c, a, bb, i, j;
    bindDims(ctx, n, f, oy, ox, c, a, bb, i, j);
    auto map = [&](ArrayRef<AffineExpr> results) {
      return AffineMap::get(9, 0, results, ctx);
    };
    SmallVector<AffineMap> maps = {
        map({oy % kM, a}),
        map({ox % kM, bb}),
        map({a * kAlpha + bb, f, c}),
        map({a, i}),
        map({bb, j}),
        map({n, c, oy.floorDiv(kM) * kM + i, ox.floorDiv(kM) * kM + j}),
        map({n, f, oy, ox})};
    auto par = utils::IteratorType::parallel,
         red = utils::IteratorType::reduction;
    SmallVector<utils::IteratorType> iterators = {par, par, par, par, red,
                                                  red, red, red, red};
    Value init = initWithBias(b, loc, type, adaptor.getBias(), x);
    auto conv = b.create<linalg::GenericOp>(
        loc, type, ValueRange{at, at, adaptor.getFilter(), bt, bt, padded},
        init, maps, iterators,
        [](OpBuilder &nb, Location nloc, ValueRange v) {
          Arith m{nb, nloc};
          Value out = m.mul(m.mul(v[0], v[1]), v[2]);
          Value in = m.mul(m.mul(v[3], v[4]), v[5]);
          nb.create<linalg::YieldOp>(nloc, m.add(v[6], m.mul(out, in)));
        });
    conv->setAttr(kConvolutionAttr, b.getUnitAttr());
    b.replaceOp(op, conv.getResult(0));
    return success();
  }
};

} // namespace

void dlc::populateLayerPatterns(RewritePatternSet &patterns) {
  patterns.add<Conv2DLowering, ConvTranspose2DLowering, DenseLowering,
               BatchNormLowering, FoldBatchNormLowering,
               WinogradFilterLowering, WinogradConv2DLowering,
               TransposeLowering>(
      patterns.getContext());
}

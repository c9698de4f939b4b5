//===- TrainingPatterns.cpp - Batch statistics, dropout, optimizers -------===//
//
// The ops of training mode and of torch.optim's updates as element-wise
// linalg.generic ops; scalars (lr, step, counts) are read once, outside.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/DLToLinalg/Patterns.h"
#include "compiler/Dialect/DL/IR/DLOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace dlc;

namespace {

/// Every dimension but the channels (1).
SmallVector<int64_t> channelsKept() { return {1}; }

struct BatchStatsLowering : OpConversionPattern<dl::BatchStatsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::BatchStatsOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    Value n = perChannelCount(b, loc, x);
    auto type = cast<RankedTensorType>(op.getMean().getType());
    auto divide = [&](Value sum) {
      return elementwise(b, loc, type, sum,
                         [&](OpBuilder &nb, Location l, ValueRange a) {
                           return Arith{nb, l}.div(a[0], n);
                         });
    };
    Value mean = divide(
        sumOver(b, loc, x, channelsKept(),
                [](OpBuilder &, Location, ValueRange a) { return a[0]; }));
    // Two passes: the centred sum of squares keeps its precision.
    Value var = divide(sumOver(b, loc, {x, mean}, channelsKept(),
                               [](OpBuilder &nb, Location l, ValueRange a) {
                                 Arith m{nb, l};
                                 Value d = m.sub(a[0], a[1]);
                                 return m.mul(d, d);
                               }));
    b.replaceOp(op, {mean, var});
    return success();
  }
};

struct RunningStatsLowering : OpConversionPattern<dl::RunningStatsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::RunningStatsOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    Arith m{b, loc};
    Value n = perChannelCount(b, loc, x);
    // n / (n - 1): the unbiased variance. One value per channel (a last
    // batch of one sample through BatchNorm1d), which PyTorch refuses, keeps
    // the running variance finite: factor 1.
    Value one = m.c(1.0);
    Value single =
        b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLE, n, one);
    Value bessel =
        b.create<arith::SelectOp>(loc, single, one, m.div(n, m.sub(n, one)));
    double mom = op.getMomentum().convertToDouble();
    auto type = cast<RankedTensorType>(op.getNewMean().getType());
    SmallVector<Value> r = elementwiseResults(
        b, loc, type,
        {adaptor.getRunningMean(), adaptor.getRunningVar(), adaptor.getMean(),
         adaptor.getVariance()},
        2, [&](OpBuilder &nb, Location l, ValueRange a) {
          Arith e{nb, l};
          Value keep = e.c(1.0 - mom), take = e.c(mom);
          return SmallVector<Value>{
              e.add(e.mul(keep, a[0]), e.mul(take, a[2])),
              e.add(e.mul(keep, a[1]), e.mul(take, e.mul(a[3], bessel)))};
        });
    b.replaceOp(op, r);
    return success();
  }
};

struct BatchNormGradLowering : OpConversionPattern<dl::BatchNormGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::BatchNormGradOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value dy = adaptor.getGrad(), x = adaptor.getInput();
    Value mean = adaptor.getMean(), var = adaptor.getVariance();
    double eps = op.getEps().convertToDouble();
    Value n = perChannelCount(b, loc, x);
    auto invStd = [eps](Arith &e, Value v) {
      return e.div(e.c(1.0), e.sqrt(e.add(v, e.c(eps))));
    };
    Value dbias =
        sumOver(b, loc, dy, channelsKept(),
                [](OpBuilder &, Location, ValueRange a) { return a[0]; });
    Value dweight = sumOver(b, loc, {dy, x, mean, var}, channelsKept(),
                            [&](OpBuilder &nb, Location l, ValueRange a) {
                              Arith e{nb, l};
                              Value xhat =
                                  e.mul(e.sub(a[1], a[2]), invStd(e, a[3]));
                              return e.mul(a[0], xhat);
                            });
    Value dx =
        elementwise(b, loc, cast<RankedTensorType>(dy.getType()),
                    {dy, x, adaptor.getWeight(), mean, var, dbias, dweight},
                    [&](OpBuilder &nb, Location l, ValueRange a) {
                      Arith e{nb, l};
                      Value is = invStd(e, a[4]);
                      Value xhat = e.mul(e.sub(a[1], a[3]), is);
                      Value centred = e.sub(e.sub(a[0], e.div(a[5], n)),
                                            e.div(e.mul(xhat, a[6]), n));
                      return e.mul(e.mul(a[2], is), centred);
                    });
    b.replaceOp(op, {dx, dweight, dbias});
    return success();
  }
};

/// splitmix64's finaliser: a bijective mix of 64 bits.
Value mix64(OpBuilder &b, Location l, Value z) {
  auto k = [&](uint64_t v) {
    return b.create<arith::ConstantIntOp>(l, int64_t(v), 64).getResult();
  };
  auto shr = [&](Value v, int s) {
    return b.create<arith::XOrIOp>(l, v, b.create<arith::ShRUIOp>(l, v, k(s)));
  };
  z = b.create<arith::MulIOp>(l, shr(z, 30), k(0xBF58476D1CE4E5B9ull));
  z = b.create<arith::MulIOp>(l, shr(z, 27), k(0x94D049BB133111EBull));
  return shr(z, 31);
}

/// Keep with probability 1 - p: u = the top 24 bits of mix(key + index *
/// golden ratio) / 2^24, key = mix(seed, step, stream).
struct DropoutMaskLowering : OpConversionPattern<dl::DropoutMaskOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::DropoutMaskOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    auto k = [&](OpBuilder &nb, Location l, uint64_t v) {
      return nb.create<arith::ConstantIntOp>(l, int64_t(v), 64).getResult();
    };
    Value key = mix64(b, loc, scalarOf(b, loc, adaptor.getSeed()));
    key = b.create<arith::AddIOp>(
        loc, key,
        b.create<arith::MulIOp>(loc, scalarOf(b, loc, adaptor.getStep()),
                                k(b, loc, 0xD1B54A32D192ED03ull)));
    key =
        mix64(b, loc,
              b.create<arith::XOrIOp>(
                  loc, key,
                  k(b, loc, uint64_t(op.getStream()) * 0x8CB92BA72F3D8DD7ull)));
    RankedTensorType type = op.getType();
    double p = op.getP().convertToDouble();
    double scale = p < 1.0 ? 1.0 / (1.0 - p) : 0.0;
    int64_t rank = type.getRank();
    MLIRContext *ctx = b.getContext();
    b.replaceOp(
        op,
        generic(
            b, loc, ValueRange{},
            {AffineMap::getMultiDimIdentityMap(rank, ctx)},
            emptyTensor(b, loc, type, adaptor.getLike()),
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &nb, Location l, ValueRange) {
              // Row-major position: only dimension 0 (the batch) is dynamic.
              Value at = nb.create<linalg::IndexOp>(l, 0);
              for (int64_t i = 1; i < rank; ++i)
                at = nb.create<arith::AddIOp>(
                    l,
                    nb.create<arith::MulIOp>(l, at,
                                             nb.create<arith::ConstantIndexOp>(
                                                 l, type.getDimSize(i))),
                    nb.create<linalg::IndexOp>(l, i));
              Value i64 = nb.create<arith::IndexCastOp>(l, nb.getI64Type(), at);
              Value z = nb.create<arith::AddIOp>(
                  l, key,
                  nb.create<arith::MulIOp>(l, i64,
                                           k(nb, l, 0x9E3779B97F4A7C15ull)));
              Value bits =
                  nb.create<arith::ShRUIOp>(l, mix64(nb, l, z), k(nb, l, 40));
              Value u = nb.create<arith::MulFOp>(
                  l, nb.create<arith::UIToFPOp>(l, nb.getF32Type(), bits),
                  f32Constant(nb, l, 1.0 / (1 << 24)));
              Value keep = nb.create<arith::CmpFOp>(
                  l, arith::CmpFPredicate::OGE, u, f32Constant(nb, l, p));
              return SmallVector<Value>{nb.create<arith::SelectOp>(
                  l, keep, f32Constant(nb, l, scale), f32Constant(nb, l, 0.0))};
            }));
    return success();
  }
};

/// torch.optim.SGD (see the op's description).
struct SgdUpdateLowering : OpConversionPattern<dl::SgdUpdateOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::SgdUpdateOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    double mom = op.getMomentum().convertToDouble();
    double damp = op.getDampening().convertToDouble();
    double wd = op.getWeightDecay().convertToDouble();
    bool nesterov = op.getNesterov();
    Value lr = scalarOf(b, loc, adaptor.getLr());
    Value first = b.create<arith::CmpIOp>(
        loc, arith::CmpIPredicate::eq, scalarOf(b, loc, adaptor.getStep()),
        b.create<arith::ConstantIntOp>(loc, 0, 64));
    SmallVector<Value> inputs = {adaptor.getParam(), adaptor.getGrad()};
    if (adaptor.getMomentumBuffer())
      inputs.push_back(adaptor.getMomentumBuffer());
    auto type = cast<RankedTensorType>(adaptor.getParam().getType());
    b.replaceOp(op, elementwiseResults(
                        b, loc, type, inputs, op.getNumResults(),
                        [&](OpBuilder &nb, Location l, ValueRange a) {
                          Arith e{nb, l};
                          Value d = a[1];
                          if (wd != 0.0)
                            d = e.add(d, e.mul(e.c(wd), a[0]));
                          SmallVector<Value> out = {Value()};
                          if (a.size() > 2) {
                            Value later = e.add(e.mul(e.c(mom), a[2]),
                                                e.mul(e.c(1.0 - damp), d));
                            Value buf =
                                nb.create<arith::SelectOp>(l, first, d, later);
                            d = nesterov ? e.add(d, e.mul(e.c(mom), buf)) : buf;
                            out.push_back(buf);
                          }
                          out[0] = e.sub(a[0], e.mul(lr, d));
                          return out;
                        }));
    return success();
  }
};

/// torch.optim.Adam / AdamW (see the op's description).
struct AdamUpdateLowering : OpConversionPattern<dl::AdamUpdateOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::AdamUpdateOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    double b1 = op.getBeta1().convertToDouble();
    double b2 = op.getBeta2().convertToDouble();
    double eps = op.getEps().convertToDouble();
    double wd = op.getWeightDecay().convertToDouble();
    bool decoupled = op.getDecoupled();
    // Bias corrections in f64 from t = step + 1, as PyTorch computes them.
    Value t = b.create<arith::SIToFPOp>(
        loc, b.getF64Type(),
        b.create<arith::AddIOp>(loc, scalarOf(b, loc, adaptor.getStep()),
                                b.create<arith::ConstantIntOp>(loc, 1, 64)));
    auto f64 = [&](double v) {
      return b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(v)).getResult();
    };
    auto correction = [&](double beta) {
      Value pow = b.create<math::PowFOp>(loc, f64(beta), t);
      return b.create<arith::SubFOp>(loc, f64(1.0), pow).getResult();
    };
    Value lr64 = b.create<arith::ExtFOp>(loc, b.getF64Type(),
                                         scalarOf(b, loc, adaptor.getLr()));
    auto f32 = [&](Value v) {
      return b.create<arith::TruncFOp>(loc, b.getF32Type(), v).getResult();
    };
    Value stepSize = f32(b.create<arith::DivFOp>(loc, lr64, correction(b1)));
    Value bc2Sqrt = f32(b.create<math::SqrtOp>(loc, correction(b2)));
    Value lr = f32(lr64);
    auto type = cast<RankedTensorType>(adaptor.getParam().getType());
    b.replaceOp(op, elementwiseResults(
                        b, loc, type,
                        {adaptor.getParam(), adaptor.getGrad(),
                         adaptor.getExpAvg(), adaptor.getExpAvgSq()},
                        3, [&](OpBuilder &nb, Location l, ValueRange a) {
                          Arith e{nb, l};
                          Value p = a[0], g = a[1];
                          if (wd != 0.0 && decoupled)
                            p = e.mul(p, e.sub(e.c(1.0), e.mul(lr, e.c(wd))));
                          else if (wd != 0.0)
                            g = e.add(g, e.mul(e.c(wd), p));
                          Value m = e.add(e.mul(e.c(b1), a[2]),
                                          e.mul(e.c(1.0 - b1), g));
                          Value v = e.add(e.mul(e.c(b2), a[3]),
                                          e.mul(e.c(1.0 - b2), e.mul(g, g)));
                          Value denom =
                              e.add(e.div(e.sqrt(v), bc2Sqrt), e.c(eps));
                          return SmallVector<Value>{
                              e.sub(p, e.mul(stepSize, e.div(m, denom))), m, v};
                        }));
    return success();
  }
};

} // namespace

void dlc::populateTrainingPatterns(RewritePatternSet &patterns) {
  patterns.add<BatchStatsLowering, RunningStatsLowering, BatchNormGradLowering,
               DropoutMaskLowering, SgdUpdateLowering, AdamUpdateLowering>(
      patterns.getContext());
}

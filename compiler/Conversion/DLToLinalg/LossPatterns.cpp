//===- LossPatterns.cpp - Losses and their gradients -> linalg ------------===//
//
// Every loss is a mean, as torch.nn.functional computes it by default
// (reduction="mean"); each gradient is that mean's derivative times the
// incoming scalar gradient.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/DLToLinalg/Patterns.h"
#include "compiler/Dialect/DL/IR/DLOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <limits>

using namespace mlir;
using namespace dlc;

namespace {

SmallVector<int64_t> allDims(Value x) {
  SmallVector<int64_t> dims;
  for (int64_t i = 0, r = cast<ShapedType>(x.getType()).getRank(); i < r; ++i)
    dims.push_back(i);
  return dims;
}

/// sum(fn(elements)) / count over every dimension, as a tensor<f32>.
Value mean(OpBuilder &b, Location loc, ValueRange inputs, Value count,
           ScalarFn fn) {
  Value sum = sumOver(b, loc, inputs, {}, fn);
  return elementwise(b, loc, cast<RankedTensorType>(sum.getType()), sum,
                     [&](OpBuilder &nb, Location l, ValueRange a) {
                       return Arith{nb, l}.div(a[0], count);
                     });
}

/// The per-position maximum and sum of exp(x - max) over the classes
/// (dimension 1): log-sum-exp = max + log(sum).
std::pair<Value, Value> logSumExpParts(OpBuilder &b, Location loc, Value x) {
  Value max =
      reduce(b, loc, x, 1, -std::numeric_limits<float>::infinity(),
             [](OpBuilder &nb, Location l, ValueRange a) {
               return nb.create<arith::MaximumFOp>(l, a[0], a[1]).getResult();
             });
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<unsigned> kept;
  for (int64_t i = 0; i < rank; ++i)
    if (i != 1)
      kept.push_back(i);
  AffineMap reduced = AffineMap::getMultiDimMapWithTargets(rank, kept, ctx);
  Value zeros =
      filledTensor(b, loc, cast<RankedTensorType>(max.getType()), max, 0.0);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators[1] = utils::IteratorType::reduction;
  Value sum = generic(
      b, loc, ValueRange{x, max},
      {AffineMap::getMultiDimIdentityMap(rank, ctx), reduced, reduced}, zeros,
      iterators, [](OpBuilder &nb, Location l, ValueRange a) {
        Value e = nb.create<math::ExpOp>(l, Arith{nb, l}.sub(a[0], a[1]));
        return SmallVector<Value>{Arith{nb, l}.add(a[2], e)};
      });
  return {max, sum};
}

/// The class index at one position, clamped into [0, K) so that a bad label
/// cannot read outside the logits (the runtime rejects such labels).
Value classIndex(OpBuilder &b, Location loc, Value label, int64_t classes) {
  Value i = b.create<arith::MaxSIOp>(
      loc, label, b.create<arith::ConstantIntOp>(loc, 0, 32));
  i = b.create<arith::MinSIOp>(
      loc, i, b.create<arith::ConstantIntOp>(loc, classes - 1, 32));
  return b.create<arith::IndexCastOp>(loc, b.getIndexType(), i);
}

/// mean over positions of log-sum-exp(x) - x[target].
struct CrossEntropyLowering : OpConversionPattern<dl::CrossEntropyOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::CrossEntropyOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput(), t = adaptor.getTarget();
    int64_t classes = cast<ShapedType>(x.getType()).getDimSize(1);
    auto [max, sum] = logSumExpParts(b, loc, x);
    Value count = countOf(b, loc, t, allDims(t));
    Value total = sumOver(
        b, loc, ValueRange{max, sum, t}, {},
        [&](OpBuilder &nb, Location l, ValueRange a) {
          // The position's indices, with the class in dimension 1.
          SmallVector<Value> at;
          for (int64_t i = 0, r = cast<ShapedType>(t.getType()).getRank();
               i < r; ++i)
            at.push_back(nb.create<linalg::IndexOp>(l, i));
          at.insert(at.begin() + 1, classIndex(nb, l, a[2], classes));
          Value picked = nb.create<tensor::ExtractOp>(l, x, at);
          Value lse = Arith{nb, l}.add(a[0], nb.create<math::LogOp>(l, a[1]));
          return Arith{nb, l}.sub(lse, picked);
        });
    b.replaceOp(op, elementwise(b, loc, op.getType(), total,
                                [&](OpBuilder &nb, Location l, ValueRange a) {
                                  return Arith{nb, l}.div(a[0], count);
                                }));
    return success();
  }
};

/// (softmax(x) - onehot(target)) * grad / positions.
struct CrossEntropyGradLowering : OpConversionPattern<dl::CrossEntropyGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::CrossEntropyGradOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput(), t = adaptor.getTarget();
    auto type = cast<RankedTensorType>(x.getType());
    int64_t rank = type.getRank(), classes = type.getDimSize(1);
    auto [max, sum] = logSumExpParts(b, loc, x);
    Value scale = Arith{b, loc}.div(scalarOf(b, loc, adaptor.getGrad()),
                                    countOf(b, loc, t, allDims(t)));
    MLIRContext *ctx = b.getContext();
    SmallVector<unsigned> kept;
    for (int64_t i = 0; i < rank; ++i)
      if (i != 1)
        kept.push_back(i);
    AffineMap reduced = AffineMap::getMultiDimMapWithTargets(rank, kept, ctx);
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    b.replaceOp(
        op,
        generic(
            b, loc, ValueRange{x, max, sum, t},
            {id, reduced, reduced, reduced, id}, emptyTensor(b, loc, type, x),
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &nb, Location l, ValueRange a) {
              Value p = Arith{nb, l}.div(
                  nb.create<math::ExpOp>(l, Arith{nb, l}.sub(a[0], a[1])),
                  a[2]);
              Value k = nb.create<linalg::IndexOp>(l, 1);
              Value hit =
                  nb.create<arith::CmpIOp>(l, arith::CmpIPredicate::eq, k,
                                           classIndex(nb, l, a[3], classes));
              Value one = nb.create<arith::SelectOp>(
                  l, hit, f32Constant(nb, l, 1.0), f32Constant(nb, l, 0.0));
              return SmallVector<Value>{
                  Arith{nb, l}.mul(Arith{nb, l}.sub(p, one), scale)};
            }));
    return success();
  }
};

/// Losses of a prediction and a same-shaped target: mean(term(x, t)), and
/// the gradient grad / n * d term / dx.
template <typename LossOp, typename GradOp> struct PairLoss {
  using TermFn = Value (*)(OpBuilder &, Location, Value, Value);

  struct Forward : OpConversionPattern<LossOp> {
    Forward(MLIRContext *ctx, TermFn term)
        : OpConversionPattern<LossOp>(ctx), term(term) {}
    LogicalResult matchAndRewrite(LossOp op, typename LossOp::Adaptor adaptor,
                                  ConversionPatternRewriter &b) const override {
      Location loc = op.getLoc();
      Value x = adaptor.getInput();
      b.replaceOp(op, mean(b, loc, {x, adaptor.getTarget()},
                           countOf(b, loc, x, allDims(x)),
                           [&](OpBuilder &nb, Location l, ValueRange a) {
                             return term(nb, l, a[0], a[1]);
                           }));
      return success();
    }
    TermFn term;
  };

  struct Backward : OpConversionPattern<GradOp> {
    Backward(MLIRContext *ctx, TermFn derivative)
        : OpConversionPattern<GradOp>(ctx), derivative(derivative) {}
    LogicalResult matchAndRewrite(GradOp op, typename GradOp::Adaptor adaptor,
                                  ConversionPatternRewriter &b) const override {
      Location loc = op.getLoc();
      Value x = adaptor.getInput();
      Value scale = Arith{b, loc}.div(scalarOf(b, loc, adaptor.getGrad()),
                                      countOf(b, loc, x, allDims(x)));
      b.replaceOp(
          op,
          elementwise(
              b, loc, cast<RankedTensorType>(x.getType()),
              {x, adaptor.getTarget()},
              [&](OpBuilder &nb, Location l, ValueRange a) {
                return Arith{nb, l}.mul(derivative(nb, l, a[0], a[1]), scale);
              }));
      return success();
    }
    TermFn derivative;
  };

  static void add(RewritePatternSet &patterns, TermFn term, TermFn derivative) {
    patterns.add<Forward>(patterns.getContext(), term);
    patterns.add<Backward>(patterns.getContext(), derivative);
  }
};

Value sigmoid(OpBuilder &b, Location l, Value x) {
  Value e = b.create<math::ExpOp>(l, b.create<arith::NegFOp>(l, x));
  return Arith{b, l}.div(f32Constant(b, l, 1.0),
                         Arith{b, l}.add(f32Constant(b, l, 1.0), e));
}

/// Soft Dice per (sample, channel): 1 - (2 I + 1) / (S + 1) with I =
/// sum(p t) and S = sum(p) + sum(t) over space; the mean over (n, c).
struct DiceParts {
  Value inter, total, count;
  DiceParts(OpBuilder &b, Location loc, Value p, Value t) {
    inter = sumOver(b, loc, {p, t}, {0, 1},
                    [](OpBuilder &nb, Location l, ValueRange a) {
                      return Arith{nb, l}.mul(a[0], a[1]);
                    });
    total = sumOver(b, loc, {p, t}, {0, 1},
                    [](OpBuilder &nb, Location l, ValueRange a) {
                      return Arith{nb, l}.add(a[0], a[1]);
                    });
    count = countOf(b, loc, p, {0, 1});
  }
};

struct DiceLowering : OpConversionPattern<dl::DiceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::DiceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    DiceParts d(b, loc, adaptor.getInput(), adaptor.getTarget());
    b.replaceOp(
        op,
        mean(b, loc, {d.inter, d.total}, d.count,
             [](OpBuilder &nb, Location l, ValueRange a) {
               Value one = f32Constant(nb, l, 1.0);
               Value num = Arith{nb, l}.add(Arith{nb, l}.add(a[0], a[0]), one);
               return Arith{nb, l}.sub(
                   one, Arith{nb, l}.div(num, Arith{nb, l}.add(a[1], one)));
             }));
    return success();
  }
};

/// d/dp of -(2 I + 1) / (S + 1) = -(2 t (S + 1) - (2 I + 1)) / (S + 1)^2.
struct DiceGradLowering : OpConversionPattern<dl::DiceGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::DiceGradOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value p = adaptor.getInput(), t = adaptor.getTarget();
    DiceParts d(b, loc, p, t);
    Value scale =
        Arith{b, loc}.div(scalarOf(b, loc, adaptor.getGrad()), d.count);
    auto type = cast<RankedTensorType>(p.getType());
    int64_t rank = type.getRank();
    MLIRContext *ctx = b.getContext();
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap nc = AffineMap::getMultiDimMapWithTargets(rank, {0, 1}, ctx);
    b.replaceOp(
        op,
        generic(
            b, loc, ValueRange{t, d.inter, d.total}, {id, nc, nc, id},
            emptyTensor(b, loc, type, p),
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &nb, Location l, ValueRange a) {
              Value one = f32Constant(nb, l, 1.0);
              Value s1 = Arith{nb, l}.add(a[2], one);
              Value num = Arith{nb, l}.add(Arith{nb, l}.add(a[1], a[1]), one);
              Value dnum = Arith{nb, l}.mul(Arith{nb, l}.add(a[0], a[0]), s1);
              Value g = Arith{nb, l}.div(Arith{nb, l}.sub(num, dnum),
                                         Arith{nb, l}.mul(s1, s1));
              return SmallVector<Value>{Arith{nb, l}.mul(g, scale)};
            }));
    return success();
  }
};

} // namespace

void dlc::populateLossPatterns(RewritePatternSet &patterns) {
  patterns.add<CrossEntropyLowering, CrossEntropyGradLowering, DiceLowering,
               DiceGradLowering>(patterns.getContext());
  PairLoss<dl::MseOp, dl::MseGradOp>::add(
      patterns,
      [](OpBuilder &b, Location l, Value x, Value t) {
        Value d = Arith{b, l}.sub(x, t);
        return Arith{b, l}.mul(d, d);
      },
      [](OpBuilder &b, Location l, Value x, Value t) {
        Value d = Arith{b, l}.sub(x, t);
        return Arith{b, l}.add(d, d);
      });
  PairLoss<dl::L1Op, dl::L1GradOp>::add(
      patterns,
      [](OpBuilder &b, Location l, Value x, Value t) {
        return b.create<math::AbsFOp>(l, Arith{b, l}.sub(x, t)).getResult();
      },
      [](OpBuilder &b, Location l, Value x, Value t) { // sign, 0 at 0
        Value zero = f32Constant(b, l, 0.0);
        Value pos = b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OGT, x, t);
        Value neg = b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OLT, x, t);
        Value s =
            b.create<arith::SelectOp>(l, pos, f32Constant(b, l, 1.0), zero);
        return b.create<arith::SelectOp>(l, neg, f32Constant(b, l, -1.0), s)
            .getResult();
      });
  // max(x, 0) - x t + log(1 + exp(-|x|)): stable for any logit.
  PairLoss<dl::BceWithLogitsOp, dl::BceWithLogitsGradOp>::add(
      patterns,
      [](OpBuilder &b, Location l, Value x, Value t) {
        Value relu = b.create<arith::MaximumFOp>(l, x, f32Constant(b, l, 0.0));
        Value e = b.create<math::ExpOp>(
            l, b.create<arith::NegFOp>(l, b.create<math::AbsFOp>(l, x)));
        Value softplus = b.create<math::Log1pOp>(l, e);
        return Arith{b, l}.add(Arith{b, l}.sub(relu, Arith{b, l}.mul(x, t)),
                               softplus);
      },
      [](OpBuilder &b, Location l, Value x, Value t) {
        return Arith{b, l}.sub(sigmoid(b, l, x), t);
      });
}

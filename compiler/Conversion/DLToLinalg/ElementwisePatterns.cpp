//===- ElementwisePatterns.cpp - dl element-wise ops -> linalg.generic ----===//

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

/// An op whose result is `fn` applied to its operands, element by element.
template <typename OpTy>
struct ElementwiseLowering : OpConversionPattern<OpTy> {
  using Fn = Value (*)(OpTy, OpBuilder &, Location, ValueRange);
  ElementwiseLowering(MLIRContext *ctx, Fn fn)
      : OpConversionPattern<OpTy>(ctx), fn(fn) {}

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    auto type = cast<RankedTensorType>(op.getType());
    b.replaceOp(op, elementwise(b, op.getLoc(), type, adaptor.getOperands(),
                                [&](OpBuilder &nb, Location loc, ValueRange a) {
                                  return fn(op, nb, loc, a);
                                }));
    return success();
  }
  Fn fn;
};

template <typename OpTy>
void addElementwise(RewritePatternSet &patterns,
                    typename ElementwiseLowering<OpTy>::Fn fn) {
  patterns.add<ElementwiseLowering<OpTy>>(patterns.getContext(), fn);
}

/// Inference dropout is the identity.
struct DropoutLowering : OpConversionPattern<dl::DropoutOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::DropoutOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    if (op.getTraining())
      return b.notifyMatchFailure(op, "training dropout is lowered by the "
                                      "training pipeline");
    b.replaceOp(op, adaptor.getInput());
    return success();
  }
};

/// exp(x - max) / sum(exp(x - max)) along the axis: stable for any logits.
struct SoftmaxLowering : OpConversionPattern<dl::SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::SoftmaxOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    int64_t axis = op.getAxis();
    Value max = reduce(b, loc, x, axis, -std::numeric_limits<float>::infinity(),
                       [](OpBuilder &nb, Location l, ValueRange a) {
                         return nb.create<arith::MaximumFOp>(l, a[0], a[1])
                             .getResult();
                       });
    Value e = withReduced(b, loc, x, max, axis,
                          [](OpBuilder &nb, Location l, ValueRange a) {
                            Value d = nb.create<arith::SubFOp>(l, a[0], a[1]);
                            return nb.create<math::ExpOp>(l, d).getResult();
                          });
    Value sum = reduce(b, loc, e, axis, 0.0,
                       [](OpBuilder &nb, Location l, ValueRange a) {
                         return nb.create<arith::AddFOp>(l, a[0], a[1])
                             .getResult();
                       });
    b.replaceOp(op, withReduced(b, loc, e, sum, axis,
                                [](OpBuilder &nb, Location l, ValueRange a) {
                                  return nb.create<arith::DivFOp>(l, a[0], a[1])
                                      .getResult();
                                }));
    return success();
  }
};

Value zero(OpBuilder &b, Location loc) { return f32Constant(b, loc, 0.0); }

} // namespace

void dlc::populateElementwisePatterns(RewritePatternSet &patterns) {
  addElementwise<dl::ReluOp>(patterns, [](dl::ReluOp, OpBuilder &b,
                                          Location loc, ValueRange a) {
    return b.create<arith::MaximumFOp>(loc, a[0], zero(b, loc)).getResult();
  });
  addElementwise<dl::LeakyReluOp>(patterns, [](dl::LeakyReluOp op,
                                               OpBuilder &b, Location loc,
                                               ValueRange a) {
    Value alpha = f32Constant(b, loc, op.getAlpha().convertToDouble());
    Value scaled = b.create<arith::MulFOp>(loc, a[0], alpha);
    Value positive = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT,
                                             a[0], zero(b, loc));
    return b.create<arith::SelectOp>(loc, positive, a[0], scaled).getResult();
  });
  addElementwise<dl::SigmoidOp>(patterns, [](dl::SigmoidOp, OpBuilder &b,
                                             Location loc, ValueRange a) {
    Value e = b.create<math::ExpOp>(loc, b.create<arith::NegFOp>(loc, a[0]));
    Value d = b.create<arith::AddFOp>(loc, f32Constant(b, loc, 1.0), e);
    return b.create<arith::DivFOp>(loc, f32Constant(b, loc, 1.0), d).getResult();
  });
  addElementwise<dl::TanhOp>(patterns, [](dl::TanhOp, OpBuilder &b,
                                          Location loc, ValueRange a) {
    return b.create<math::TanhOp>(loc, a[0]).getResult();
  });
  addElementwise<dl::AddOp>(patterns, [](dl::AddOp, OpBuilder &b, Location loc,
                                         ValueRange a) {
    return b.create<arith::AddFOp>(loc, a[0], a[1]).getResult();
  });
  addElementwise<dl::SubOp>(patterns, [](dl::SubOp, OpBuilder &b, Location loc,
                                         ValueRange a) {
    return b.create<arith::SubFOp>(loc, a[0], a[1]).getResult();
  });
  addElementwise<dl::MulOp>(patterns, [](dl::MulOp, OpBuilder &b, Location loc,
                                         ValueRange a) {
    return b.create<arith::MulFOp>(loc, a[0], a[1]).getResult();
  });
  patterns.add<DropoutLowering, SoftmaxLowering>(patterns.getContext());
}

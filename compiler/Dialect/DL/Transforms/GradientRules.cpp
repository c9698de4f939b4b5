//===- GradientRules.cpp - The backward of every dl op --------------------===//
//
// One rule per op of the language, each a few dl ops (DLTrainOps.td) that
// the dl -> linalg lowering turns into loops like any other op. The rules
// follow PyTorch's autograd formulas, so gradients match torch's.
//
//===----------------------------------------------------------------------===//

#include "compiler/Dialect/DL/IR/DLOps.h"
#include "compiler/Dialect/DL/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::dl;

namespace {

/// Sets operand gradients of one op; `need(i)` says whether operand i
/// wants one.
class Rule {
public:
  Rule(Operation *op, ArrayRef<bool> needed, OpBuilder &b,
       SmallVectorImpl<Value> &grads)
      : op(op), needed(needed), b(b), loc(op->getLoc()), grads(grads) {
    grads.assign(op->getNumOperands(), Value());
  }

  bool need(Value operand) {
    for (OpOperand &use : op->getOpOperands())
      if (use.get() == operand && needed[use.getOperandNumber()])
        return true;
    return false;
  }
  void set(Value operand, Value grad) {
    for (OpOperand &use : op->getOpOperands())
      if (use.get() == operand && needed[use.getOperandNumber()]) {
        grads[use.getOperandNumber()] = grad;
        return; // an operand used twice (x * x) gets both parts via mul
      }
  }
  template <typename OpTy, typename... Args> Value make(Args &&...args) {
    return b.create<OpTy>(loc, std::forward<Args>(args)...).getResult();
  }

  Operation *op;
  ArrayRef<bool> needed;
  OpBuilder &b;
  Location loc;
  SmallVectorImpl<Value> &grads;
};

Type typeOf(Value v) { return v.getType(); }

LogicalResult conv(Rule &r, Conv2DOp op, Value dy) {
  if (r.need(op.getInput()))
    r.set(op.getInput(),
          r.make<Conv2DGradInputOp>(typeOf(op.getInput()), dy, op.getWeight(),
                                    op.getStride(), op.getPadding(),
                                    op.getDilation(), op.getGroups()));
  if (r.need(op.getWeight()))
    r.set(op.getWeight(),
          r.make<Conv2DGradWeightOp>(typeOf(op.getWeight()), op.getInput(), dy,
                                     op.getStride(), op.getPadding(),
                                     op.getDilation(), op.getGroups()));
  if (op.getBias() && r.need(op.getBias()))
    r.set(op.getBias(), r.make<ChannelSumOp>(typeOf(op.getBias()), dy));
  return success();
}

/// A transposed convolution is the input-gradient of a convolution, so its
/// input-gradient is that convolution and its weight-gradient the same
/// correlation with the roles of input and output exchanged.
LogicalResult convTranspose(Rule &r, ConvTranspose2DOp op, Value dy) {
  auto pair = [&](ArrayRef<int64_t> v) { return r.b.getDenseI64ArrayAttr(v); };
  if (r.need(op.getInput()))
    r.set(op.getInput(),
          r.make<Conv2DOp>(dy, op.getWeight(), Value(), pair(op.getStride()),
                           pair(op.getPadding()), pair({1, 1}),
                           r.b.getI64IntegerAttr(1)));
  if (r.need(op.getWeight()))
    r.set(op.getWeight(),
          r.make<Conv2DGradWeightOp>(typeOf(op.getWeight()), dy, op.getInput(),
                                     op.getStride(), op.getPadding(),
                                     ArrayRef<int64_t>{1, 1}, 1));
  if (op.getBias() && r.need(op.getBias()))
    r.set(op.getBias(), r.make<ChannelSumOp>(typeOf(op.getBias()), dy));
  return success();
}

LogicalResult dense(Rule &r, DenseOp op, Value dy) {
  if (r.need(op.getInput()))
    r.set(op.getInput(),
          r.make<MatmulOp>(typeOf(op.getInput()), dy, op.getWeight(), false));
  if (r.need(op.getWeight()))
    r.set(op.getWeight(),
          r.make<MatmulOp>(typeOf(op.getWeight()), dy, op.getInput(), true));
  if (op.getBias() && r.need(op.getBias()))
    r.set(op.getBias(), r.make<ChannelSumOp>(typeOf(op.getBias()), dy));
  return success();
}

/// Training batchnorm is normalisation by dl.batch_stats' results; its
/// backward carries the statistics' own dependence on the input.
LogicalResult batchnorm(Rule &r, BatchNormOp op, Value dy) {
  auto stats = op.getRunningMean().getDefiningOp<BatchStatsOp>();
  if (!stats || stats.getInput() != op.getInput() ||
      op.getRunningVar() != stats.getVariance())
    return op.emitError("gradient of batchnorm on running statistics "
                        "(a frozen batchnorm) is not supported");
  auto grad = r.b.create<BatchNormGradOp>(
      r.loc, dy, op.getInput(), op.getWeight(), stats.getMean(),
      stats.getVariance(), op.getEps().convertToDouble());
  r.set(op.getInput(), grad.getInputGrad());
  r.set(op.getWeight(), grad.getWeightGrad());
  r.set(op.getBias(), grad.getBiasGrad());
  return success();
}

/// add, sub, mul; an operand broadcast from rank 0 over a tensor would need
/// a sum, which no network of the language asks for.
LogicalResult binary(Rule &r, Operation *op, Value dy) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  auto rank = [](Value v) { return cast<ShapedType>(v.getType()).getRank(); };
  for (Value v : {lhs, rhs})
    if (r.need(v) && rank(v) != rank(op->getResult(0)))
      return op->emitError("gradient of a scalar broadcast over a tensor is "
                           "not supported");
  auto product = [&](Value a, Value c) {
    return r.make<MulOp>(a.getType(), a, c);
  };
  if (isa<MulOp>(op)) {
    // x * x: each use gets its part, summed by the caller's accumulation.
    if (lhs == rhs && r.need(lhs)) {
      Value part = product(dy, lhs);
      r.set(lhs, r.make<AddOp>(part.getType(), part, part));
      return success();
    }
    if (r.need(lhs))
      r.set(lhs, product(dy, rhs));
    if (r.need(rhs))
      r.set(rhs, product(dy, lhs));
    return success();
  }
  bool negate = isa<SubOp>(op);
  auto scalar = [&](float v) {
    return r.b.create<arith::ConstantOp>(
        r.loc,
        DenseElementsAttr::get(RankedTensorType::get({}, r.b.getF32Type()), v));
  };
  if (lhs == rhs) { // x + x is 2 dy; x - x has no gradient
    if (r.need(lhs))
      r.set(lhs, negate ? product(dy, scalar(0.0f))
                        : r.make<AddOp>(dy.getType(), dy, dy));
    return success();
  }
  if (r.need(lhs))
    r.set(lhs, dy);
  if (r.need(rhs))
    r.set(rhs, negate ? product(dy, scalar(-1.0f)) : dy);
  return success();
}

template <typename PoolGrad, typename Pool>
LogicalResult pool(Rule &r, Pool op, Value dy) {
  r.set(op.getInput(), r.make<PoolGrad>(dy, op.getInput(), op.getKernel(),
                                        op.getStride(), op.getPadding()));
  return success();
}

LogicalResult concat(Rule &r, ConcatOp op, Value dy) {
  int64_t offset = 0, axis = op.getAxis();
  for (Value in : op.getInputs()) {
    if (r.need(in))
      r.set(in, r.make<SliceOp>(in.getType(), dy, axis, offset));
    offset += cast<ShapedType>(in.getType()).getDimSize(axis);
  }
  return success();
}

/// A loss's gradient for its input; mse and l1 are symmetric, so a target
/// computed from parameters gets the negated gradient.
template <typename LossGrad>
LogicalResult loss(Rule &r, Operation *op, Value dl) {
  Value input = op->getOperand(0), target = op->getOperand(1);
  bool symmetric =
      std::is_same_v<LossGrad, MseGradOp> || std::is_same_v<LossGrad, L1GradOp>;
  if (r.need(target) && !symmetric)
    return op->emitError("gradient with respect to the target of '")
           << op->getName().getStringRef()
           << "' is not supported; only mse and l1 take a computed target";
  Value grad = r.make<LossGrad>(input.getType(), input, target, dl);
  if (r.need(input))
    r.set(input, grad);
  if (r.need(target))
    r.set(target,
          r.make<MulOp>(
              grad.getType(), grad,
              r.b.create<arith::ConstantOp>(
                  r.loc,
                  DenseElementsAttr::get(
                      RankedTensorType::get({}, r.b.getF32Type()), -1.0f))));
  return success();
}

} // namespace

LogicalResult mlir::dl::emitBackward(Operation *op, ArrayRef<Value> resultGrads,
                                     ArrayRef<bool> needed, OpBuilder &b,
                                     SmallVectorImpl<Value> &operandGrads) {
  Rule r(op, needed, b, operandGrads);
  Value dy = resultGrads.empty() ? Value() : resultGrads.front();
  auto activation = [&](auto gradOp, Value v) {
    using GradOp = decltype(gradOp);
    r.set(op->getOperand(0),
          r.make<GradOp>(dy.getType(), dy, v, b.getF64FloatAttr(0.01)));
    return success();
  };
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](Conv2DOp o) { return conv(r, o, dy); })
      .Case([&](ConvTranspose2DOp o) { return convTranspose(r, o, dy); })
      .Case([&](DenseOp o) { return dense(r, o, dy); })
      .Case([&](BatchNormOp o) { return batchnorm(r, o, dy); })
      .Case([&](ReluOp o) { return activation(ReluGradOp(), o.getResult()); })
      .Case([&](SigmoidOp o) {
        return activation(SigmoidGradOp(), o.getResult());
      })
      .Case([&](TanhOp o) { return activation(TanhGradOp(), o.getResult()); })
      .Case([&](LeakyReluOp o) {
        r.set(o.getInput(), r.make<LeakyReluGradOp>(
                                dy.getType(), dy, o.getInput(), o.getAlpha()));
        return success();
      })
      .Case([&](DropoutOp o) { // not training: the identity
        r.set(o.getInput(), dy);
        return success();
      })
      .Case<AddOp, SubOp, MulOp>([&](Operation *o) { return binary(r, o, dy); })
      .Case([&](SoftmaxOp o) {
        r.set(o.getInput(), r.make<SoftmaxGradOp>(dy.getType(), dy,
                                                  o.getResult(), o.getAxis()));
        return success();
      })
      .Case([&](MaxPool2DOp o) { return pool<MaxPool2DGradOp>(r, o, dy); })
      .Case([&](AvgPool2DOp o) { return pool<AvgPool2DGradOp>(r, o, dy); })
      .Case([&](GlobalAvgPoolOp o) {
        ArrayRef<int64_t> shape =
            cast<ShapedType>(o.getInput().getType()).getShape();
        r.set(o.getInput(),
              r.make<AvgPool2DGradOp>(
                  dy, o.getInput(), ArrayRef<int64_t>{shape[2], shape[3]},
                  ArrayRef<int64_t>{1, 1}, ArrayRef<int64_t>{0, 0}));
        return success();
      })
      .Case([&](FlattenOp o) {
        r.set(o.getInput(), r.make<ReshapeOp>(o.getInput().getType(), dy));
        return success();
      })
      .Case([&](ConcatOp o) { return concat(r, o, dy); })
      .Case([&](CrossEntropyOp) { return loss<CrossEntropyGradOp>(r, op, dy); })
      .Case([&](MseOp) { return loss<MseGradOp>(r, op, dy); })
      .Case([&](L1Op) { return loss<L1GradOp>(r, op, dy); })
      .Case(
          [&](BceWithLogitsOp) { return loss<BceWithLogitsGradOp>(r, op, dy); })
      .Case([&](DiceOp) { return loss<DiceGradOp>(r, op, dy); })
      // Statistics reach the loss only through batchnorm's rule.
      .Case<BatchStatsOp, RunningStatsOp, DropoutMaskOp, arith::ConstantOp>(
          [](Operation *) { return success(); })
      .Default([](Operation *o) {
        return o->emitError("no gradient rule for '")
               << o->getName().getStringRef() << "'";
      });
}

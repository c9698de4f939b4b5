//===- DLGradients.cpp - The backward of every differentiable dl op -------===//
//
// GradientOpInterface for the ops of the language: each rule is a few
// backward ops (DLTrainOps.td) that the dl -> linalg lowering turns into
// loops like any other op. The rules follow PyTorch's autograd formulas, so
// gradients match torch's.
//
//===----------------------------------------------------------------------===//

#include "compiler/Dialect/DL/IR/DLOps.h"
#include "compiler/Dialect/DL/IR/GradientBuilder.h"

using namespace mlir;
using namespace mlir::dl;

Value GradientBuilder::scalar(float v) {
  return b.create<arith::ConstantOp>(
      op->getLoc(),
      DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()), v));
}

//===----------------------------------------------------------------------===//
// Layers with parameters
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::emitGradients(GradientBuilder &g) {
  Value dy = g.grad();
  if (g.needs(getInput()))
    g.set(getInput(), g.create<Conv2DGradInputOp>(
                          getInput().getType(), dy, getWeight(), getStride(),
                          getPadding(), getDilation(), getGroups()));
  if (g.needs(getWeight()))
    g.set(getWeight(), g.create<Conv2DGradWeightOp>(
                           getWeight().getType(), getInput(), dy, getStride(),
                           getPadding(), getDilation(), getGroups()));
  if (getBias() && g.needs(getBias()))
    g.set(getBias(), g.create<ChannelSumOp>(dy));
  return success();
}

/// A transposed convolution is the input-gradient of a convolution, so its
/// input-gradient is that convolution and its weight-gradient the same
/// correlation with the roles of input and output exchanged.
LogicalResult ConvTranspose2DOp::emitGradients(GradientBuilder &g) {
  Value dy = g.grad();
  OpBuilder &b = g.builder();
  if (g.needs(getInput()))
    g.set(getInput(),
          g.create<Conv2DOp>(dy, getWeight(), Value(), getStrideAttr(),
                             getPaddingAttr(), b.getDenseI64ArrayAttr({1, 1}),
                             b.getI64IntegerAttr(1)));
  if (g.needs(getWeight()))
    g.set(getWeight(), g.create<Conv2DGradWeightOp>(
                           getWeight().getType(), dy, getInput(), getStride(),
                           getPadding(), ArrayRef<int64_t>{1, 1}, 1));
  if (getBias() && g.needs(getBias()))
    g.set(getBias(), g.create<ChannelSumOp>(dy));
  return success();
}

LogicalResult DenseOp::emitGradients(GradientBuilder &g) {
  Value dy = g.grad();
  if (g.needs(getInput()))
    g.set(getInput(), g.create<MatmulOp>(dy, getWeight(), Value(), false));
  if (g.needs(getWeight()))
    g.set(getWeight(), g.create<MatmulOp>(dy, getInput(), Value(), true));
  if (getBias() && g.needs(getBias()))
    g.set(getBias(), g.create<ChannelSumOp>(dy));
  return success();
}

/// Training batchnorm is normalisation by dl.batch_stats' results; its
/// backward carries the statistics' own dependence on the input.
LogicalResult BatchNormOp::emitGradients(GradientBuilder &g) {
  auto stats = getRunningMean().getDefiningOp<BatchStatsOp>();
  if (!stats || stats.getInput() != getInput() ||
      getRunningVar() != stats.getVariance())
    return emitError("gradient of batchnorm on running statistics "
                     "(a frozen batchnorm) is not supported");
  auto grad = g.builder().create<BatchNormGradOp>(
      getLoc(), g.grad(), getInput(), getWeight(), stats.getMean(),
      stats.getVariance(), getEps().convertToDouble());
  g.set(getInput(), grad.getInputGrad());
  g.set(getWeight(), grad.getWeightGrad());
  g.set(getBias(), grad.getBiasGrad());
  return success();
}

//===----------------------------------------------------------------------===//
// Element-wise ops
//===----------------------------------------------------------------------===//

LogicalResult ReluOp::emitGradients(GradientBuilder &g) {
  g.set(getInput(), g.create<ReluGradOp>(g.grad(), getResult()));
  return success();
}

LogicalResult SigmoidOp::emitGradients(GradientBuilder &g) {
  g.set(getInput(), g.create<SigmoidGradOp>(g.grad(), getResult()));
  return success();
}

LogicalResult TanhOp::emitGradients(GradientBuilder &g) {
  g.set(getInput(), g.create<TanhGradOp>(g.grad(), getResult()));
  return success();
}

LogicalResult LeakyReluOp::emitGradients(GradientBuilder &g) {
  g.set(getInput(),
        g.create<LeakyReluGradOp>(g.grad(), getInput(), getAlphaAttr()));
  return success();
}

/// Reached only at inference (training dropout is a product with a mask by
/// then), where dropout is the identity.
LogicalResult DropoutOp::emitGradients(GradientBuilder &g) {
  g.set(getInput(), g.grad());
  return success();
}

LogicalResult SoftmaxOp::emitGradients(GradientBuilder &g) {
  g.set(getInput(),
        g.create<SoftmaxGradOp>(g.grad(), getResult(), getAxisAttr()));
  return success();
}

/// add, sub, mul; an operand broadcast from rank 0 over a tensor would need
/// a sum, which no network of the language asks for.
static LogicalResult binaryGradients(Operation *op, GradientBuilder &g) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1), dy = g.grad();
  auto rank = [](Value v) { return cast<ShapedType>(v.getType()).getRank(); };
  for (Value v : {lhs, rhs})
    if (g.needs(v) && rank(v) != rank(op->getResult(0)))
      return op->emitError("gradient of a scalar broadcast over a tensor is "
                           "not supported");
  auto product = [&](Value a, Value c) { return g.create<MulOp>(a, c); };
  if (isa<MulOp>(op)) {
    // x * x: one gradient, both parts summed.
    if (lhs == rhs && g.needs(lhs)) {
      Value part = product(dy, lhs);
      g.set(lhs, g.create<AddOp>(part, part));
      return success();
    }
    if (g.needs(lhs))
      g.set(lhs, product(dy, rhs));
    if (g.needs(rhs))
      g.set(rhs, product(dy, lhs));
    return success();
  }
  bool negate = isa<SubOp>(op);
  if (lhs == rhs) { // x + x is 2 dy; x - x has no gradient
    if (g.needs(lhs))
      g.set(lhs,
            negate ? product(dy, g.scalar(0.0f)) : g.create<AddOp>(dy, dy));
    return success();
  }
  if (g.needs(lhs))
    g.set(lhs, dy);
  if (g.needs(rhs))
    g.set(rhs, negate ? product(dy, g.scalar(-1.0f)) : dy);
  return success();
}

LogicalResult AddOp::emitGradients(GradientBuilder &g) {
  return binaryGradients(*this, g);
}
LogicalResult SubOp::emitGradients(GradientBuilder &g) {
  return binaryGradients(*this, g);
}
LogicalResult MulOp::emitGradients(GradientBuilder &g) {
  return binaryGradients(*this, g);
}

//===----------------------------------------------------------------------===//
// Pooling and shape ops
//===----------------------------------------------------------------------===//

LogicalResult MaxPool2DOp::emitGradients(GradientBuilder &g) {
  g.set(getInput(), g.create<MaxPool2DGradOp>(g.grad(), getInput(), getKernel(),
                                              getStride(), getPadding()));
  return success();
}

LogicalResult AvgPool2DOp::emitGradients(GradientBuilder &g) {
  g.set(getInput(), g.create<AvgPool2DGradOp>(g.grad(), getInput(), getKernel(),
                                              getStride(), getPadding()));
  return success();
}

/// The mean over the whole plane: an average pool whose window is the plane.
LogicalResult GlobalAvgPoolOp::emitGradients(GradientBuilder &g) {
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  g.set(getInput(),
        g.create<AvgPool2DGradOp>(
            g.grad(), getInput(), ArrayRef<int64_t>{shape[2], shape[3]},
            ArrayRef<int64_t>{1, 1}, ArrayRef<int64_t>{0, 0}));
  return success();
}

LogicalResult FlattenOp::emitGradients(GradientBuilder &g) {
  g.set(getInput(), g.create<ReshapeOp>(getInput().getType(), g.grad()));
  return success();
}

LogicalResult ConcatOp::emitGradients(GradientBuilder &g) {
  int64_t offset = 0, axis = getAxis();
  for (Value in : getInputs()) {
    if (g.needs(in))
      g.set(in, g.create<SliceOp>(in.getType(), g.grad(), axis, offset));
    offset += cast<ShapedType>(in.getType()).getDimSize(axis);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

/// A loss's gradient for its input; mse and l1 are symmetric, so a target
/// computed from parameters gets the negated gradient.
template <typename LossGrad>
static LogicalResult lossGradients(Operation *op, GradientBuilder &g) {
  Value input = op->getOperand(0), target = op->getOperand(1);
  constexpr bool symmetric =
      std::is_same_v<LossGrad, MseGradOp> || std::is_same_v<LossGrad, L1GradOp>;
  if (g.needs(target) && !symmetric)
    return op->emitError("gradient with respect to the target of '")
           << op->getName().getStringRef()
           << "' is not supported; only mse and l1 take a computed target";
  Value grad = g.create<LossGrad>(input, target, g.grad());
  if (g.needs(input))
    g.set(input, grad);
  if (g.needs(target))
    g.set(target, g.create<MulOp>(grad, g.scalar(-1.0f)));
  return success();
}

LogicalResult CrossEntropyOp::emitGradients(GradientBuilder &g) {
  return lossGradients<CrossEntropyGradOp>(*this, g);
}
LogicalResult MseOp::emitGradients(GradientBuilder &g) {
  return lossGradients<MseGradOp>(*this, g);
}
LogicalResult L1Op::emitGradients(GradientBuilder &g) {
  return lossGradients<L1GradOp>(*this, g);
}
LogicalResult BceWithLogitsOp::emitGradients(GradientBuilder &g) {
  return lossGradients<BceWithLogitsGradOp>(*this, g);
}
LogicalResult DiceOp::emitGradients(GradientBuilder &g) {
  return lossGradients<DiceGradOp>(*this, g);
}

//===----------------------------------------------------------------------===//
// Training-mode pieces: no gradient of their own
//===----------------------------------------------------------------------===//

// Batch statistics reach the loss only through batchnorm's rule, which
// differentiates through them; running statistics and dropout masks are
// not functions of the parameters.
LogicalResult BatchStatsOp::emitGradients(GradientBuilder &) {
  return success();
}
LogicalResult RunningStatsOp::emitGradients(GradientBuilder &) {
  return success();
}
LogicalResult DropoutMaskOp::emitGradients(GradientBuilder &) {
  return success();
}

//===- DLTrainOps.cpp - Types and checks of the training ops --------------===//
//
// Each backward op infers its result types from the forward rule it undoes
// (ShapeChecks.h), or verifies a written-out type against that rule where
// the operands do not determine it. Attributes are checked in verifiers, not
// in inferReturnTypes: the parser infers types before it fills in defaults.
//
//===----------------------------------------------------------------------===//

#include "compiler/Dialect/DL/IR/DLOps.h"
#include "compiler/Dialect/DL/IR/ShapeChecks.h"

#include <cmath>
#include <cstdio>

using namespace mlir;
using namespace mlir::dl;
using namespace mlir::dl::shapes;

/// `what` must be `expected`; names both when it is not.
static LogicalResult expectType(Operation *op, StringRef what, Type actual,
                                FailureOr<RankedTensorType> expected,
                                StringRef rule) {
  if (failed(expected))
    return failure();
  if (actual == *expected)
    return success();
  return op->emitOpError() << what << " has type " << actual << ", but " << rule
                           << " gives " << *expected;
}

/// A number as the .net language writes it: 0.9, 1e-08, inf.
static std::string spell(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

static LogicalResult inRange(Operation *op, StringRef name, double v,
                             double min, double max, bool maxIncluded) {
  if (v >= min && (maxIncluded ? v <= max : v < max))
    return success();
  return op->emitOpError() << name << " must be in [" << spell(min) << ", "
                           << spell(max) << (maxIncluded ? "]" : ")")
                           << ", got " << spell(v);
}

//===----------------------------------------------------------------------===//
// Backward of layers
//===----------------------------------------------------------------------===//

LogicalResult Conv2DGradInputOp::verify() {
  ShapeChecker check{getLoc()};
  if (failed(check.rank(getOutput(), 4, "result", "[N, C, H, W]")))
    return failure();
  return expectType(*this, "the gradient", getGrad().getType(),
                    convResult(check, getOutput(), getWeight(), getStride(),
                               getPadding(), getDilation(), getGroups()),
                    "convolving the result type with the weight");
}

LogicalResult Conv2DGradWeightOp::verify() {
  ShapeChecker check{getLoc()};
  if (failed(check.rank(getOutput(), 4, "result", "[F, C/groups, KH, KW]")))
    return failure();
  return expectType(*this, "the gradient", getGrad().getType(),
                    convResult(check, getInput(), getOutput(), getStride(),
                               getPadding(), getDilation(), getGroups()),
                    "convolving the input with a weight of the result type");
}

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor op,
                                         SmallVectorImpl<Type> &types) {
  ShapeChecker check{loc};
  if (failed(check.rank(op.getA(), 2, "operand", "a")) ||
      failed(check.rank(op.getB(), 2, "operand", "b")))
    return failure();
  ArrayRef<int64_t> a = shapeOf(op.getA()), b = shapeOf(op.getB());
  bool t = op.getTransposeA();
  if (failed(check.dimsMatch(a[t ? 0 : 1], b[0],
                             "contracted dimensions differ: " +
                                 Twine(a[t ? 0 : 1]) + " and " + Twine(b[0]))))
    return failure();
  if (failed(check.perChannel(op.getBias(), b[1], "a bias")))
    return failure();
  types.push_back(tensorOf(op.getA(), {a[t ? 1 : 0], b[1]}));
  return success();
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor op,
                                            SmallVectorImpl<Type> &types) {
  ShapeChecker check{loc};
  if (failed(check.rank(op.getInput(), 2, "input", "[M, N]")))
    return failure();
  ArrayRef<int64_t> in = shapeOf(op.getInput());
  types.push_back(tensorOf(op.getInput(), {in[1], in[0]}));
  return success();
}

LogicalResult ChannelSumOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor op,
                                             SmallVectorImpl<Type> &types) {
  ArrayRef<int64_t> in = shapeOf(op.getInput());
  if (in.size() < 2)
    return emitOptionalError(loc, "expects an input [N, C, ...] of rank >= 2");
  types.push_back(tensorOf(op.getInput(), {in[1]}));
  return success();
}

//===----------------------------------------------------------------------===//
// Backward of element-wise, pooling and shape ops
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxGradOp::verify() {
  int64_t rank = getGrad().getType().getRank();
  if (getAxis() < 1 || getAxis() >= rank)
    return emitOpError("axis ")
           << getAxis() << " is out of range [1, " << rank << ")";
  return success();
}

template <typename PoolGrad> static LogicalResult verifyPoolGrad(PoolGrad op) {
  return expectType(op, "the gradient", op.getGrad().getType(),
                    poolResult(ShapeChecker{op.getLoc()}, op.getInput(),
                               op.getKernel(), op.getStride(), op.getPadding()),
                    "pooling the input");
}
LogicalResult MaxPool2DGradOp::verify() { return verifyPoolGrad(*this); }
LogicalResult AvgPool2DGradOp::verify() { return verifyPoolGrad(*this); }

/// Elements per sample, or nullopt when a non-batch dimension is dynamic.
static std::optional<int64_t> sampleSize(RankedTensorType type) {
  int64_t n = 1;
  for (int64_t d : type.getShape().drop_front()) {
    if (ShapedType::isDynamic(d))
      return std::nullopt;
    n *= d;
  }
  return n;
}

LogicalResult ReshapeOp::verify() {
  RankedTensorType in = getInput().getType(), out = getOutput().getType();
  if (in.getRank() < 1 || out.getRank() < 1 ||
      in.getDimSize(0) != out.getDimSize(0))
    return emitOpError("keeps the batch dimension, got ")
           << in << " and " << out;
  std::optional<int64_t> a = sampleSize(in), b = sampleSize(out);
  if (!a || !b || *a != *b)
    return emitOpError("needs the same static number of elements per sample, "
                       "got ")
           << in << " and " << out;
  return success();
}

LogicalResult SliceOp::verify() {
  ArrayRef<int64_t> in = getInput().getType().getShape();
  ArrayRef<int64_t> out = getOutput().getType().getShape();
  int64_t axis = getAxis(), offset = getOffset(), rank = in.size();
  if ((int64_t)out.size() != rank)
    return emitOpError("result must have the input's rank ") << rank;
  if (axis < 1 || axis >= rank)
    return emitOpError("axis ")
           << axis << " is out of range [1, " << rank << ")";
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis && in[d] != out[d])
      return emitOpError("result differs from the input in dimension ")
             << d << " (" << out[d] << " vs " << in[d] << ")";
  if (offset < 0 || ShapedType::isDynamic(in[axis]) ||
      ShapedType::isDynamic(out[axis]) || offset + out[axis] > in[axis])
    return emitOpError("slice [")
           << offset << ", " << offset + out[axis] << ") of axis " << axis
           << " is not within the input's " << in[axis];
  return success();
}

//===----------------------------------------------------------------------===//
// Training-mode batchnorm and dropout
//===----------------------------------------------------------------------===//

/// The channel count of an [N, C, ...] input.
static FailureOr<int64_t> channelsOf(std::optional<Location> loc, Value in) {
  ArrayRef<int64_t> shape = shapeOf(in);
  if (shape.size() < 2)
    return emitOptionalError(loc,
                             "expects an input [N, C, ...] of rank >= 2, "
                             "got rank ",
                             shape.size());
  return shape[1];
}

LogicalResult BatchStatsOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor op,
                                             SmallVectorImpl<Type> &types) {
  FailureOr<int64_t> c = channelsOf(loc, op.getInput());
  if (failed(c))
    return failure();
  types.assign(2, tensorOf(op.getInput(), {*c}));
  return success();
}

LogicalResult RunningStatsOp::inferReturnTypes(MLIRContext *,
                                               std::optional<Location> loc,
                                               Adaptor op,
                                               SmallVectorImpl<Type> &types) {
  FailureOr<int64_t> c = channelsOf(loc, op.getInput());
  if (failed(c) || failed(ShapeChecker{loc}.perChannel(op.getRunningMean(), *c,
                                                       "running statistics")))
    return failure();
  types.assign(2, op.getRunningMean().getType());
  return success();
}

LogicalResult RunningStatsOp::verify() {
  return inRange(*this, "momentum", getMomentum().convertToDouble(), 0, 1,
                 true);
}

LogicalResult BatchNormGradOp::inferReturnTypes(MLIRContext *,
                                                std::optional<Location> loc,
                                                Adaptor op,
                                                SmallVectorImpl<Type> &types) {
  FailureOr<int64_t> c = channelsOf(loc, op.getInput());
  if (failed(c) || failed(ShapeChecker{loc}.perChannel(op.getWeight(), *c,
                                                       "per-channel tensors")))
    return failure();
  types.push_back(op.getGrad().getType());
  types.append(2, op.getWeight().getType());
  return success();
}

LogicalResult BatchNormGradOp::verify() {
  if (getEps().convertToDouble() <= 0)
    return emitOpError("eps must be positive");
  return success();
}

LogicalResult DropoutMaskOp::verify() {
  return inRange(*this, "p", getP().convertToDouble(), 0, 1, false);
}

//===----------------------------------------------------------------------===//
// Backward of losses: operands as the forward loss takes them
//===----------------------------------------------------------------------===//

LogicalResult
CrossEntropyGradOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                     Adaptor op, SmallVectorImpl<Type> &types) {
  if (failed(checkCrossEntropy(loc, op.getInput(), op.getTarget())))
    return failure();
  types.push_back(op.getInput().getType());
  return success();
}

#define DL_PAIR_LOSS_GRAD(OP)                                                  \
  LogicalResult OP::inferReturnTypes(MLIRContext *,                            \
                                     std::optional<Location> loc, Adaptor op,  \
                                     SmallVectorImpl<Type> &types) {           \
    if (failed(checkPairLoss(loc, op.getInput(), op.getTarget())))             \
      return failure();                                                        \
    types.push_back(op.getInput().getType());                                  \
    return success();                                                          \
  }
DL_PAIR_LOSS_GRAD(MseGradOp)
DL_PAIR_LOSS_GRAD(L1GradOp)
DL_PAIR_LOSS_GRAD(BceWithLogitsGradOp)
DL_PAIR_LOSS_GRAD(DiceGradOp)
#undef DL_PAIR_LOSS_GRAD

//===----------------------------------------------------------------------===//
// Optimizer updates: torch.optim's argument checks
//===----------------------------------------------------------------------===//

LogicalResult SgdUpdateOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor op,
                                            SmallVectorImpl<Type> &types) {
  Type param = op.getParam().getType();
  for (Value v : {op.getGrad(), op.getMomentumBuffer()})
    if (v && v.getType() != param)
      return emitOptionalError(loc,
                               "gradient and momentum buffer must have "
                               "the parameter's type ",
                               param, ", got ", v.getType());
  types.assign(op.getMomentumBuffer() ? 2 : 1, param);
  return success();
}

LogicalResult SgdUpdateOp::verify() {
  double momentum = getMomentum().convertToDouble();
  if (failed(inRange(*this, "momentum", momentum, 0, INFINITY, false)) ||
      failed(inRange(*this, "weight_decay", getWeightDecay().convertToDouble(),
                     0, INFINITY, false)))
    return failure();
  if ((momentum != 0) != static_cast<bool>(getMomentumBuffer()))
    return emitOpError("takes a momentum buffer exactly when momentum is not "
                       "zero");
  if (getNesterov() && (momentum == 0 || getDampening().convertToDouble() != 0))
    return emitOpError("nesterov momentum needs a momentum and zero dampening");
  return success();
}

LogicalResult AdamUpdateOp::verify() {
  if (failed(
          inRange(*this, "beta1", getBeta1().convertToDouble(), 0, 1, false)) ||
      failed(
          inRange(*this, "beta2", getBeta2().convertToDouble(), 0, 1, false)) ||
      failed(inRange(*this, "eps", getEps().convertToDouble(), 0, INFINITY,
                     false)) ||
      failed(inRange(*this, "weight_decay", getWeightDecay().convertToDouble(),
                     0, INFINITY, false)))
    return failure();
  return success();
}

LogicalResult FoldBatchNormOp::inferReturnTypes(MLIRContext *,
                                                std::optional<Location> loc,
                                                Adaptor op,
                                                SmallVectorImpl<Type> &types) {
  auto weight = cast<RankedTensorType>(op.getWeight().getType());
  if (weight.getRank() < 1 || weight.isDynamicDim(0))
    return emitOptionalError(loc, "the weight needs a static first dimension");
  ShapeChecker check{loc};
  int64_t f = weight.getDimSize(0);
  for (Value v : {op.getBias(), op.getGamma(), op.getBeta(),
                  op.getRunningMean(), op.getRunningVar()})
    if (v && failed(check.perChannel(v, f, "per-channel operands")))
      return failure();
  types.assign({weight, op.getGamma().getType()});
  return success();
}

LogicalResult WinogradFilterOp::inferReturnTypes(MLIRContext *,
                                                 std::optional<Location> loc,
                                                 Adaptor op,
                                                 SmallVectorImpl<Type> &types) {
  ShapeChecker check{loc};
  if (failed(check.rank(op.getWeight(), 4, "weight", "[F, C, 3, 3]")))
    return failure();
  ArrayRef<int64_t> w = shapeOf(op.getWeight());
  if (w[2] != 3 || w[3] != 3)
    return check.fail("expects a 3x3 kernel");
  bool t = op.getTransposed();
  types.push_back(tensorOf(op.getWeight(), {16, w[t ? 1 : 0], w[t ? 0 : 1]}));
  return success();
}

LogicalResult WinogradConv2DOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor op,
    SmallVectorImpl<Type> &types) {
  ShapeChecker check{loc};
  if (failed(check.rank(op.getInput(), 4, "input", "[N, C, H, W]")) ||
      failed(check.rank(op.getFilter(), 3, "filter", "[16, F, C]")) ||
      failed(check.pair(op.getPadding(), "padding", 0)))
    return failure();
  ArrayRef<int64_t> in = shapeOf(op.getInput()), u = shapeOf(op.getFilter());
  if (u[0] != 16)
    return check.fail("expects a filter of shape [16, F, C]");
  if (failed(check.dimsMatch(in[1], u[2],
                             "filter expects " + Twine(u[2]) +
                                 " input channels, the input has " +
                                 Twine(in[1]))))
    return failure();
  FailureOr<RankedTensorType> out = windowResult(
      check, op.getInput(), u[1], {3, 3}, {1, 1}, op.getPadding(), {1, 1});
  if (failed(out) ||
      failed(check.perChannel(op.getBias(), u[1], "a bias")))
    return failure();
  types.push_back(*out);
  return success();
}

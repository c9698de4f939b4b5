//===- DLOps.cpp - The dl dialect: shape rules, verifiers, folders --------===//
//
// Every shape rule of the .net language is written once, here, in the ops'
// inferReturnTypes; the verifier of InferTypeOpInterface then rejects any
// result type that disagrees with it.
//
//===----------------------------------------------------------------------===//

#include "compiler/Dialect/DL/IR/DLOps.h"
#include "compiler/Dialect/DL/IR/ShapeChecks.h"
#include "compiler/Dialect/DL/IR/Winograd.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::dl;
using namespace mlir::dl::shapes;

#include "compiler/Dialect/DL/IR/DLInterfaces.cpp.inc"
#include "compiler/Dialect/DL/IR/DLOpsDialect.cpp.inc"

void DLDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "compiler/Dialect/DL/IR/DLOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Interface attributes
//===----------------------------------------------------------------------===//

LogicalResult DLDialect::verifyOperationAttribute(Operation *op,
                                                  NamedAttribute attr) {
  if (attr.getName() == kNetworkAttr) {
    if (!isa<StringAttr>(attr.getValue()))
      return op->emitError() << "'" << kNetworkAttr << "' must be a string";
    return success();
  }
  if (attr.getName() == kOptimizerAttr) {
    auto dict = dyn_cast<DictionaryAttr>(attr.getValue());
    auto name = dict ? dict.getAs<StringAttr>("name") : StringAttr();
    if (!name || !llvm::is_contained({"sgd", "adam", "adamw"}, name.getValue()))
      return op->emitError() << "'" << kOptimizerAttr
                             << "' must be a dictionary whose 'name' is "
                                "\"sgd\", \"adam\" or \"adamw\"";
    for (NamedAttribute hyper : dict)
      if (hyper.getName() != "name" && !isa<FloatAttr, BoolAttr>(hyper.getValue()))
        return op->emitError() << "optimizer hyper-parameter '"
                               << hyper.getName().getValue()
                               << "' must be a float or a bool";
    // torch.optim.SGD's own rule.
    auto number = [&](StringRef key) {
      Attribute a = dict.get(key);
      if (auto f = dyn_cast_or_null<FloatAttr>(a))
        return f.getValueAsDouble();
      auto b = dyn_cast_or_null<BoolAttr>(a);
      return b && b.getValue() ? 1.0 : 0.0;
    };
    if (number("nesterov") != 0.0 &&
        (number("momentum") <= 0.0 || number("dampening") != 0.0))
      return op->emitError() << "nesterov momentum needs a momentum and zero "
                                "dampening (as in torch.optim.SGD)";
    return success();
  }
  if (attr.getName() == kPreparedAttr) {
    auto list = dyn_cast<ArrayAttr>(attr.getValue());
    auto isTensor = [](Attribute a) {
      auto d = dyn_cast<DictionaryAttr>(a);
      auto type = d ? d.getAs<TypeAttr>("type") : TypeAttr();
      return d && d.getAs<StringAttr>("name") && type &&
             isa<RankedTensorType>(type.getValue());
    };
    if (!list || !llvm::all_of(list, isTensor))
      return op->emitError() << "'" << kPreparedAttr
                             << "' must list {name, type} dictionaries";
    return success();
  }
  // CPU code generation: parts of parallel loops and their scratch.
  if (attr.getName() == kParallelPartAttr) {
    if (!isa<UnitAttr, FlatSymbolRefAttr>(attr.getValue()))
      return op->emitError() << "'" << kParallelPartAttr
                             << "' must be a unit attribute or a symbol";
    return success();
  }
  if (attr.getName() == kScratchSizeAttr) {
    if (!isa<IntegerAttr>(attr.getValue()))
      return op->emitError() << "'" << kScratchSizeAttr
                             << "' must be an integer";
    return success();
  }
  if (attr.getName() == winograd::kConvolutionAttr) {
    if (!isa<UnitAttr>(attr.getValue()))
      return op->emitError() << "'" << winograd::kConvolutionAttr
                             << "' must be a unit attribute";
    return success();
  }
  return op->emitError() << "unknown dl attribute '" << attr.getName().getValue()
                         << "' on an operation";
}

static LogicalResult verifyInterfaceName(Operation *op, NamedAttribute attr,
                                         ArrayRef<StringRef> allowed) {
  if (!llvm::is_contained(allowed, attr.getName().getValue()))
    return op->emitError() << "unexpected dl attribute '"
                           << attr.getName().getValue() << "' here";
  auto name = dyn_cast<StringAttr>(attr.getValue());
  if (!name || name.getValue().empty())
    return op->emitError() << "'" << attr.getName().getValue()
                           << "' must be a non-empty string";
  return success();
}

LogicalResult DLDialect::verifyRegionArgAttribute(Operation *op, unsigned,
                                                  unsigned, NamedAttribute attr) {
  // dl.output on an argument: an out-parameter after bufferization.
  return verifyInterfaceName(
      op, attr, {kInputAttr, kTargetAttr, kParamAttr, kBufferAttr, kOutputAttr,
                 kStateAttr, kScalarAttr, kWorkspaceAttr, kPreparedAttr,
                 kParallelAttr});
}

LogicalResult DLDialect::verifyRegionResultAttribute(Operation *op, unsigned,
                                                     unsigned,
                                                     NamedAttribute attr) {
  return verifyInterfaceName(
      op, attr,
      {kOutputAttr, kParamAttr, kBufferAttr, kStateAttr, kPreparedAttr});
}

SmallVector<StringRef> mlir::dl::optimizerStateNames(DictionaryAttr optimizer) {
  auto name = optimizer ? optimizer.getAs<StringAttr>("name") : StringAttr();
  if (!name || name.getValue() == "sgd") {
    auto momentum = optimizer ? optimizer.getAs<FloatAttr>("momentum") : FloatAttr();
    if (momentum && momentum.getValueAsDouble() != 0.0)
      return {"momentum_buffer"};
    return {};
  }
  return {"exp_avg", "exp_avg_sq"};
}

//===----------------------------------------------------------------------===//
// Shape helpers
//===----------------------------------------------------------------------===//

int64_t mlir::dl::windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                                   int64_t pad, int64_t dilation) {
  if (ShapedType::isDynamic(in))
    return ShapedType::kDynamic;
  int64_t span = dilation * (kernel - 1) + 1;
  int64_t room = in + 2 * pad - span;
  return room < 0 ? 0 : room / stride + 1;
}

int64_t mlir::dl::transposedOutputSize(int64_t in, int64_t kernel,
                                       int64_t stride, int64_t pad) {
  if (ShapedType::isDynamic(in))
    return ShapedType::kDynamic;
  return (in - 1) * stride - 2 * pad + kernel;
}

FailureOr<RankedTensorType>
shapes::windowResult(const ShapeChecker &check, Value in, int64_t channels,
                     ArrayRef<int64_t> kernel, ArrayRef<int64_t> stride,
                     ArrayRef<int64_t> pad, ArrayRef<int64_t> dilation) {
  ArrayRef<int64_t> s = shapeOf(in);
  SmallVector<int64_t> out = {s[0], channels};
  for (int i = 0; i < 2; ++i) {
    int64_t size = windowOutputSize(s[2 + i], kernel[i], stride[i], pad[i],
                                    dilation[i]);
    if (size == 0)
      return check.fail("the window (kernel " + Twine(kernel[i]) +
                        ", dilation " + Twine(dilation[i]) +
                        ") does not fit an input of size " + Twine(s[2 + i]) +
                        " padded by " + Twine(pad[i]));
    out.push_back(size);
  }
  return tensorOf(in, out);
}

//===----------------------------------------------------------------------===//
// Layers with parameters
//===----------------------------------------------------------------------===//

FailureOr<RankedTensorType>
shapes::convResult(const ShapeChecker &check, Value input, Value weight,
                   ArrayRef<int64_t> stride, ArrayRef<int64_t> padding,
                   ArrayRef<int64_t> dilation, int64_t groups) {
  if (failed(check.rank(input, 4, "input", "[N, C, H, W]")) ||
      failed(check.rank(weight, 4, "weight", "[F, C/groups, KH, KW]")) ||
      failed(check.pair(stride, "stride", 1)) ||
      failed(check.pair(padding, "padding", 0)) ||
      failed(check.pair(dilation, "dilation", 1)))
    return failure();
  ArrayRef<int64_t> in = shapeOf(input), w = shapeOf(weight);
  if (groups < 1 || w[0] % groups != 0 ||
      (!ShapedType::isDynamic(in[1]) && in[1] % groups != 0))
    return check.fail("groups (" + Twine(groups) +
                      ") must divide the input and output channels");
  if (!ShapedType::isDynamic(in[1]) && w[1] * groups != in[1])
    return check.fail("weight expects " + Twine(w[1] * groups) +
                      " input channels, the input has " + Twine(in[1]));
  return windowResult(check, input, w[0], w.drop_front(2), stride, padding,
                      dilation);
}

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor op,
                                         SmallVectorImpl<Type> &types) {
  ShapeChecker check{loc};
  FailureOr<RankedTensorType> out =
      convResult(check, op.getInput(), op.getWeight(), op.getStride(),
                 op.getPadding(), op.getDilation(), op.getGroups());
  if (failed(out) ||
      failed(check.perChannel(op.getBias(), out->getDimSize(1), "a bias")))
    return failure();
  types.push_back(*out);
  return success();
}

LogicalResult ConvTranspose2DOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor op,
    SmallVectorImpl<Type> &types) {
  ShapeChecker check{loc};
  if (failed(check.rank(op.getInput(), 4, "input", "[N, C, H, W]")) ||
      failed(check.rank(op.getWeight(), 4, "weight", "[C, F, KH, KW]")) ||
      failed(check.pair(op.getStride(), "stride", 1)) ||
      failed(check.pair(op.getPadding(), "padding", 0)))
    return failure();
  ArrayRef<int64_t> in = shapeOf(op.getInput()), w = shapeOf(op.getWeight());
  if (failed(check.dimsMatch(in[1], w[0],
                             "weight expects " + Twine(w[0]) +
                                 " input channels, the input has " +
                                 Twine(in[1]))) ||
      failed(check.perChannel(op.getBias(), w[1], "a bias")))
    return failure();
  SmallVector<int64_t> out = {in[0], w[1]};
  for (int i = 0; i < 2; ++i) {
    int64_t size = transposedOutputSize(in[2 + i], w[2 + i], op.getStride()[i],
                                        op.getPadding()[i]);
    if (!ShapedType::isDynamic(size) && size <= 0)
      return check.fail("padding leaves no output");
    out.push_back(size);
  }
  types.push_back(tensorOf(op.getInput(), out));
  return success();
}

LogicalResult DenseOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor op, SmallVectorImpl<Type> &types) {
  ShapeChecker check{loc};
  if (failed(check.rank(op.getInput(), 2, "input", "[N, K]")) ||
      failed(check.rank(op.getWeight(), 2, "weight", "[F, K]")))
    return failure();
  ArrayRef<int64_t> in = shapeOf(op.getInput()), w = shapeOf(op.getWeight());
  if (failed(check.dimsMatch(in[1], w[1],
                             "weight expects " + Twine(w[1]) +
                                 " input features, the input has " +
                                 Twine(in[1]))) ||
      failed(check.perChannel(op.getBias(), w[0], "a bias")))
    return failure();
  types.push_back(tensorOf(op.getInput(), {in[0], w[0]}));
  return success();
}

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor op,
                                            SmallVectorImpl<Type> &types) {
  ShapeChecker check{loc};
  auto in = cast<RankedTensorType>(op.getInput().getType());
  if (in.getRank() < 2)
    return check.fail("expects an input [N, C, ...] of rank >= 2, got " +
                      Twine(in.getRank()));
  for (Value stat :
       {op.getWeight(), op.getBias(), op.getRunningMean(), op.getRunningVar()})
    if (failed(check.perChannel(stat, in.getDimSize(1), "per-channel tensors")))
      return failure();
  types.push_back(in);
  return success();
}

//===----------------------------------------------------------------------===//
// Element-wise ops
//===----------------------------------------------------------------------===//

// Attributes are checked here, not in inferReturnTypes: the parser infers
// the result type before it fills in default-valued attributes.
LogicalResult BatchNormOp::verify() {
  if (getEps().convertToDouble() <= 0)
    return emitOpError("eps must be positive");
  double momentum = getMomentum().convertToDouble();
  if (momentum < 0 || momentum > 1)
    return emitOpError("momentum must be in [0, 1], got ") << momentum;
  return success();
}

LogicalResult DropoutOp::verify() {
  double p = getP().convertToDouble();
  if (p < 0 || p >= 1)
    return emitOpError("expects a probability p in [0, 1), got ") << p;
  return success();
}

OpFoldResult DropoutOp::fold(FoldAdaptor) {
  // Dropout is the identity at inference.
  if (!getTraining())
    return getInput();
  return {};
}

LogicalResult SoftmaxOp::verify() {
  int64_t rank = getInput().getType().getRank();
  if (getAxis() < 1 || getAxis() >= rank)
    return emitOpError("axis ") << getAxis() << " is out of range [1, " << rank
                                << ")";
  return success();
}

/// Same shapes, or a rank-0 scalar on either side.
static LogicalResult inferBinary(std::optional<Location> loc, Value lhs,
                                 Value rhs, SmallVectorImpl<Type> &types) {
  auto l = cast<RankedTensorType>(lhs.getType());
  auto r = cast<RankedTensorType>(rhs.getType());
  if (l.getRank() == 0) {
    types.push_back(r);
    return success();
  }
  if (r.getRank() == 0 || l == r) {
    types.push_back(l);
    return success();
  }
  return emitOptionalError(loc, "operands must have the same shape, got ", l,
                           " and ", r);
}

LogicalResult AddOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor op, SmallVectorImpl<Type> &types) {
  return inferBinary(loc, op.getLhs(), op.getRhs(), types);
}
LogicalResult SubOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor op, SmallVectorImpl<Type> &types) {
  return inferBinary(loc, op.getLhs(), op.getRhs(), types);
}
LogicalResult MulOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor op, SmallVectorImpl<Type> &types) {
  return inferBinary(loc, op.getLhs(), op.getRhs(), types);
}

//===----------------------------------------------------------------------===//
// Pooling and shape ops
//===----------------------------------------------------------------------===//

FailureOr<RankedTensorType> shapes::poolResult(const ShapeChecker &check,
                                               Value input,
                                               ArrayRef<int64_t> kernel,
                                               ArrayRef<int64_t> stride,
                                               ArrayRef<int64_t> padding) {
  if (failed(check.rank(input, 4, "input", "[N, C, H, W]")) ||
      failed(check.pair(kernel, "kernel", 1)) ||
      failed(check.pair(stride, "stride", 1)) ||
      failed(check.pair(padding, "padding", 0)))
    return failure();
  if (2 * padding[0] > kernel[0] || 2 * padding[1] > kernel[1])
    return check.fail("padding must be at most half the kernel");
  return windowResult(check, input, shapeOf(input)[1], kernel, stride, padding,
                      {1, 1});
}

static LogicalResult inferPool(std::optional<Location> loc, Value input,
                               ArrayRef<int64_t> kernel,
                               ArrayRef<int64_t> stride,
                               ArrayRef<int64_t> padding,
                               SmallVectorImpl<Type> &types) {
  FailureOr<RankedTensorType> out =
      poolResult(ShapeChecker{loc}, input, kernel, stride, padding);
  if (failed(out))
    return failure();
  types.push_back(*out);
  return success();
}

LogicalResult MaxPool2DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor op,
                                            SmallVectorImpl<Type> &types) {
  return inferPool(loc, op.getInput(), op.getKernel(), op.getStride(),
                   op.getPadding(), types);
}

LogicalResult AvgPool2DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor op,
                                            SmallVectorImpl<Type> &types) {
  return inferPool(loc, op.getInput(), op.getKernel(), op.getStride(),
                   op.getPadding(), types);
}

LogicalResult GlobalAvgPoolOp::inferReturnTypes(MLIRContext *,
                                                std::optional<Location> loc,
                                                Adaptor op,
                                                SmallVectorImpl<Type> &types) {
  ShapeChecker check{loc};
  if (failed(check.rank(op.getInput(), 4, "input", "[N, C, H, W]")))
    return failure();
  ArrayRef<int64_t> in = shapeOf(op.getInput());
  types.push_back(tensorOf(op.getInput(), {in[0], in[1], 1, 1}));
  return success();
}

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor op,
                                          SmallVectorImpl<Type> &types) {
  ArrayRef<int64_t> in = shapeOf(op.getInput());
  if (in.size() < 2)
    return emitOptionalError(loc, "expects an input of rank >= 2, got rank ",
                             in.size());
  int64_t features = 1;
  for (int64_t d : in.drop_front()) {
    if (ShapedType::isDynamic(d)) {
      features = ShapedType::kDynamic;
      break;
    }
    features *= d;
  }
  types.push_back(tensorOf(op.getInput(), {in[0], features}));
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor op,
                                         SmallVectorImpl<Type> &types) {
  if (op.getInputs().empty())
    return emitOptionalError(loc, "expects at least one input");
  ArrayRef<int64_t> first = shapeOf(op.getInputs().front());
  int64_t axis = op.getAxis(), rank = first.size();
  if (axis < 1 || axis >= rank)
    return emitOptionalError(loc, "axis ", axis, " is out of range [1, ", rank,
                             ")");
  SmallVector<int64_t> out(first);
  for (Value v : op.getInputs().drop_front()) {
    ArrayRef<int64_t> s = shapeOf(v);
    if ((int64_t)s.size() != rank)
      return emitOptionalError(loc, "inputs must have the same rank");
    for (int64_t d = 0; d < rank; ++d) {
      if (d == axis) {
        out[d] = ShapedType::isDynamic(out[d]) || ShapedType::isDynamic(s[d])
                     ? ShapedType::kDynamic
                     : out[d] + s[d];
      } else if (s[d] != out[d]) {
        return emitOptionalError(loc, "inputs differ in dimension ", d, " (",
                                 out[d], " vs ", s[d], ")");
      }
    }
  }
  types.push_back(tensorOf(op.getInputs().front(), out));
  return success();
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

static Type scalarF32(MLIRContext *ctx) {
  return RankedTensorType::get({}, Float32Type::get(ctx));
}

LogicalResult shapes::checkCrossEntropy(std::optional<Location> loc,
                                        Value input, Value target) {
  ArrayRef<int64_t> logits = shapeOf(input), labels = shapeOf(target);
  bool fits = (logits.size() == 2 || logits.size() == 4) &&
              labels.size() == logits.size() - 1 && labels[0] == logits[0] &&
              labels.drop_front() == logits.drop_front(2);
  if (!fits)
    return emitOptionalError(
        loc,
        "expects logits [N, K] with targets [N], or logits [N, K, H, W] "
        "with targets [N, H, W]; got ",
        input.getType(), " and ", target.getType());
  return success();
}

LogicalResult shapes::checkPairLoss(std::optional<Location> loc, Value input,
                                    Value target) {
  if (input.getType() != target.getType())
    return emitOptionalError(loc,
                             "prediction and target must have the same shape, "
                             "got ",
                             input.getType(), " and ", target.getType());
  return success();
}

LogicalResult CrossEntropyOp::inferReturnTypes(MLIRContext *ctx,
                                               std::optional<Location> loc,
                                               Adaptor op,
                                               SmallVectorImpl<Type> &types) {
  if (failed(checkCrossEntropy(loc, op.getInput(), op.getTarget())))
    return failure();
  types.push_back(scalarF32(ctx));
  return success();
}

static LogicalResult inferPairLoss(MLIRContext *ctx,
                                   std::optional<Location> loc, Value input,
                                   Value target, SmallVectorImpl<Type> &types) {
  if (failed(checkPairLoss(loc, input, target)))
    return failure();
  types.push_back(scalarF32(ctx));
  return success();
}

#define DL_PAIR_LOSS(OP)                                                       \
  LogicalResult OP::inferReturnTypes(MLIRContext *ctx,                         \
                                     std::optional<Location> loc, Adaptor op,  \
                                     SmallVectorImpl<Type> &types) {           \
    return inferPairLoss(ctx, loc, op.getInput(), op.getTarget(), types);      \
  }
DL_PAIR_LOSS(MseOp)
DL_PAIR_LOSS(L1Op)
DL_PAIR_LOSS(BceWithLogitsOp)
DL_PAIR_LOSS(DiceOp)
#undef DL_PAIR_LOSS

#define GET_OP_CLASSES
#include "compiler/Dialect/DL/IR/DLOps.cpp.inc"

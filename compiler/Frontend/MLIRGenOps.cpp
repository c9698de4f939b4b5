//===- MLIRGenOps.cpp - Build each built-in op, checking its shapes -------===//
//
// The language-level checks of every op, with messages in the language's
// terms (f32[N, 16, 5, 5], argument names, a note with the fix). The result
// types come from the dialect's shape helpers; the dl verifier re-checks them.
//
//===----------------------------------------------------------------------===//

#include "compiler/Frontend/MLIRGenImpl.h"

#include "compiler/Dialect/DL/IR/DLOps.h"

#include "llvm/Support/FormatVariadic.h"

using namespace dlc;
using namespace mlir;

/// Integer arguments (channels, kernels, strides) stay below this.
static constexpr int64_t kMaxInt = int64_t(1) << 24;

bool OpCall::has(StringRef param) const {
  return llvm::any_of(spec.args, [&](const ArgSpec &a) { return a.name == param; });
}

Val OpCall::arg(StringRef param) const {
  const std::vector<ArgSpec> &specs = spec.args;
  size_t i = llvm::find_if(specs, [&](const ArgSpec &a) {
               return a.name == param;
             }) - specs.begin();
  if (i == specs.size())
    llvm::report_fatal_error("dlc: '" + spec.name + "' has no argument '" +
                             param + "' in the built-in table");
  if (const Expr *e = args.slots[i])
    return values.find(e)->second;
  if (!specs[i].defaultFrom.empty())
    return arg(specs[i].defaultFrom);
  return Val{specs[i].kind, {}, *specs[i].defaultValue};
}

double OpCall::number(StringRef param) const { return arg(param).number; }

SMLoc OpCall::argLoc(StringRef param) const {
  for (size_t i = 0; i < spec.args.size(); ++i)
    if (spec.args[i].name == param && args.slots[i])
      return args.slots[i]->loc;
  return call.loc;
}

InFlightDiagnostic OpCall::error(const Twine &msg) const {
  return emitError(loc, msg);
}

FailureOr<int64_t> OpCall::integer(StringRef param, int64_t min) const {
  double v = number(param);
  if (v >= min && v <= kMaxInt)
    return (int64_t)v;
  Location at = gen.file.loc(argLoc(param));
  if (auto site = dyn_cast<CallSiteLoc>(cast<NameLoc>(loc).getChildLoc()))
    at = CallSiteLoc::get(at, site.getCaller());
  return emitError(at) << "'" << param << "' of " << spec.name << " must be "
                       << (v < min ? "at least " : "at most ")
                       << (v < min ? min : kMaxInt) << ", got " << (int64_t)v,
         failure();
}

LogicalResult OpCall::expectRank(Value v, int64_t rank,
                                 StringRef layout) const {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getRank() == rank)
    return success();
  auto diag = error(spec.name + " expects a rank-" + Twine(rank) + " input " +
                    layout + ", got " + spell(type));
  if (rank == 2 && type.getRank() > 2)
    diag.attachNote() << "insert flatten(...) before " << spec.name;
  return failure();
}

FailureOr<Value> OpCall::param(StringRef suffix, ArrayRef<int64_t> shape,
                               bool buffer) const {
  return gen.addParam(name + "." + suffix.str(), shape, buffer, loc);
}

FailureOr<std::pair<Value, Value>>
OpCall::weightAndBias(ArrayRef<int64_t> weightShape, int64_t out) const {
  FailureOr<Value> weight = param("weight", weightShape);
  if (failed(weight))
    return failure();
  if (number("bias") == 0)
    return std::make_pair(*weight, Value());
  FailureOr<Value> bias = param("bias", {out});
  if (failed(bias))
    return failure();
  return std::make_pair(*weight, *bias);
}

template <typename OpTy, typename... Args>
Val OpCall::create(Args &&...operands) const {
  return Val{Kind::Tensor,
             gen.builder.create<OpTy>(loc, std::forward<Args>(operands)...)};
}

FailureOr<Val> OpCall::build() {
  StringRef op = spec.name;
  OpBuilder &b = gen.builder;
  if (spec.role == BuiltinSpec::Loss)
    return loss();
  if (op == "conv2d" || op == "conv_transpose2d") {
    FailureOr<int64_t> k = integer("kernel", 1), s = integer("stride", 1);
    if (failed(k) || failed(s))
      return failure();
    return conv(op == "conv_transpose2d", *k, *s);
  }
  if (op == "upconv")
    return conv(true, 2, 2);
  if (op == "dense")
    return dense();
  if (op == "batchnorm")
    return batchnorm();
  if (op == "maxpool" || op == "avgpool")
    return pool(op == "maxpool");
  if (op == "concat")
    return concat();

  Value x = tensor("x");
  auto type = cast<RankedTensorType>(x.getType());
  if (op == "relu")
    return create<dl::ReluOp>(x);
  if (op == "sigmoid")
    return create<dl::SigmoidOp>(x);
  if (op == "tanh")
    return create<dl::TanhOp>(x);
  if (op == "leaky_relu")
    return create<dl::LeakyReluOp>(x, b.getF64FloatAttr(number("alpha")));
  if (op == "dropout") {
    double p = number("p");
    if (p < 0 || p >= 1)
      return error("dropout probability p must be in [0, 1), got " + llvm::formatv("{0}", p)),
             failure();
    return create<dl::DropoutOp>(x, b.getF64FloatAttr(p),
                                 gen.training ? b.getUnitAttr() : UnitAttr());
  }
  if (op == "softmax") {
    int64_t rank = type.getRank(), axis = (int64_t)number("axis");
    if (axis < 0)
      axis += rank; // PyTorch's dim=-1
    if (axis < 1 || axis >= rank)
      return error("softmax axis " + Twine((int64_t)number("axis")) +
                   " is out of range for " + spell(type) +
                   " (the batch axis 0 cannot be used)"),
             failure();
    return create<dl::SoftmaxOp>(x, b.getI64IntegerAttr(axis));
  }
  if (op == "global_avgpool") {
    if (failed(expectRank(x, 4, "[N, C, H, W]")))
      return failure();
    return create<dl::GlobalAvgPoolOp>(
        RankedTensorType::get({type.getDimSize(0), type.getDimSize(1), 1, 1},
                              type.getElementType()),
        x);
  }
  if (op == "flatten") {
    if (type.getRank() < 2)
      return error("flatten expects an input of rank >= 2, got " + spell(type)),
             failure();
    int64_t features = 1;
    for (int64_t d : type.getShape().drop_front())
      features *= d;
    return create<dl::FlattenOp>(
        RankedTensorType::get({type.getDimSize(0), features},
                              type.getElementType()),
        x);
  }
  return error("internal error: no builder for op '" + op + "'"), failure();
}

FailureOr<Val> OpCall::conv(bool transposed, int64_t kernel, int64_t stride) {
  Value x = tensor("x");
  if (failed(expectRank(x, 4, "[N, C, H, W]")))
    return failure();
  // upconv has neither pad nor dilation nor groups; conv_transpose2d has pad.
  auto optional = [&](StringRef param, int64_t min) -> FailureOr<int64_t> {
    return has(param) ? integer(param, min) : min;
  };
  FailureOr<int64_t> out = integer("out", 1), pad = optional("pad", 0);
  FailureOr<int64_t> dilation = optional("dilation", 1);
  FailureOr<int64_t> groups = optional("groups", 1);
  if (failed(out) || failed(pad) || failed(dilation) || failed(groups))
    return failure();
  auto type = cast<RankedTensorType>(x.getType());
  int64_t channels = type.getDimSize(1);
  if (channels % *groups || *out % *groups)
    return error("groups=" + Twine(*groups) + " must divide the input "
                 "channels (" + Twine(channels) + ") and out (" + Twine(*out) +
                 ")"),
           failure();
  SmallVector<int64_t> shape = {type.getDimSize(0), *out};
  for (int i = 2; i < 4; ++i) {
    int64_t in = type.getDimSize(i);
    int64_t size = transposed ? dl::transposedOutputSize(in, kernel, stride, *pad)
                              : dl::windowOutputSize(in, kernel, stride, *pad,
                                                     *dilation);
    if (size <= 0)
      return error(spec.name + "'s kernel " + Twine(kernel) +
                   (*dilation > 1 ? " (dilation " + Twine(*dilation) + ")"
                                  : Twine("")) +
                   " with pad " + Twine(*pad) + " leaves no output for input " +
                   spell(type)),
             failure();
    shape.push_back(size);
  }
  FailureOr<RankedTensorType> result =
      gen.tensorType(shape, type.getElementType(), loc);
  SmallVector<int64_t> weightShape =
      transposed ? SmallVector<int64_t>{channels, *out, kernel, kernel}
                 : SmallVector<int64_t>{*out, channels / *groups, kernel, kernel};
  if (failed(result))
    return failure();
  FailureOr<std::pair<Value, Value>> params = weightAndBias(weightShape, *out);
  if (failed(params))
    return failure();
  auto [weight, bias] = *params;
  OpBuilder &b = gen.builder;
  auto pair = [&](int64_t v) { return b.getDenseI64ArrayAttr({v, v}); };
  if (transposed)
    return create<dl::ConvTranspose2DOp>(*result, x, weight, bias, pair(stride),
                                         pair(*pad));
  return create<dl::Conv2DOp>(*result, x, weight, bias, pair(stride),
                              pair(*pad), pair(*dilation),
                              b.getI64IntegerAttr(*groups));
}

FailureOr<Val> OpCall::dense() {
  Value x = tensor("x");
  if (failed(expectRank(x, 2, "[N, K]")))
    return failure();
  FailureOr<int64_t> out = integer("out", 1);
  if (failed(out))
    return failure();
  auto type = cast<RankedTensorType>(x.getType());
  FailureOr<std::pair<Value, Value>> params =
      weightAndBias({*out, type.getDimSize(1)}, *out);
  if (failed(params))
    return failure();
  return create<dl::DenseOp>(
      RankedTensorType::get({type.getDimSize(0), *out}, type.getElementType()),
      x, params->first, params->second);
}

FailureOr<Val> OpCall::batchnorm() {
  Value x = tensor("x");
  auto type = cast<RankedTensorType>(x.getType());
  if (type.getRank() < 2)
    return error("batchnorm expects an input [N, C, ...] of rank >= 2, got " +
                 spell(type)),
           failure();
  double eps = number("eps"), momentum = number("momentum");
  if (eps <= 0)
    return error("batchnorm eps must be positive"), failure();
  if (momentum < 0 || momentum > 1)
    return error("batchnorm momentum must be in [0, 1], got " + llvm::formatv("{0}", momentum)),
           failure();
  int64_t c = type.getDimSize(1);
  // PyTorch's order: weight, bias, then the running-statistics buffers.
  FailureOr<Value> w = param("weight", {c}), bias = param("bias", {c});
  if (failed(w) || failed(bias))
    return failure();
  FailureOr<Value> mean = param("running_mean", {c}, true);
  FailureOr<Value> var = param("running_var", {c}, true);
  if (failed(mean) || failed(var))
    return failure();
  OpBuilder &b = gen.builder;
  return create<dl::BatchNormOp>(type, x, *w, *bias, *mean, *var,
                                 b.getF64FloatAttr(eps),
                                 b.getF64FloatAttr(momentum),
                                 gen.training ? b.getUnitAttr() : UnitAttr());
}

FailureOr<Val> OpCall::pool(bool max) {
  Value x = tensor("x");
  if (failed(expectRank(x, 4, "[N, C, H, W]")))
    return failure();
  FailureOr<int64_t> k = integer("k", 1), s = integer("stride", 1),
                     pad = integer("pad", 0);
  if (failed(k) || failed(s) || failed(pad))
    return failure();
  if (2 * *pad > *k)
    return error(spec.name + " pad (" + Twine(*pad) +
                 ") must be at most half the kernel (" + Twine(*k) + ")"),
           failure();
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape = {type.getDimSize(0), type.getDimSize(1)};
  for (int i = 2; i < 4; ++i) {
    int64_t size = dl::windowOutputSize(type.getDimSize(i), *k, *s, *pad);
    if (size <= 0)
      return error(spec.name + " window " + Twine(*k) + " does not fit input " +
                   spell(type)),
             failure();
    shape.push_back(size);
  }
  OpBuilder &b = gen.builder;
  auto result = RankedTensorType::get(shape, type.getElementType());
  auto pair = [&](int64_t v) { return b.getDenseI64ArrayAttr({v, v}); };
  if (max)
    return create<dl::MaxPool2DOp>(result, x, pair(*k), pair(*s), pair(*pad));
  return create<dl::AvgPool2DOp>(result, x, pair(*k), pair(*s), pair(*pad));
}

FailureOr<Val> OpCall::concat() {
  SmallVector<Value> inputs;
  for (const Expr *e : args.rest)
    inputs.push_back(values.find(e)->second.tensor);
  auto first = cast<RankedTensorType>(inputs.front().getType());
  int64_t rank = first.getRank(), axis = (int64_t)number("axis");
  if (axis < 0)
    axis += rank;
  if (axis < 1 || axis >= rank)
    return error("concat axis " + Twine((int64_t)number("axis")) +
                 " is out of range for " + spell(first) +
                 " (the batch axis 0 cannot be used)"),
           failure();
  SmallVector<int64_t> shape(first.getShape());
  for (Value v : ArrayRef(inputs).drop_front()) {
    auto t = cast<RankedTensorType>(v.getType());
    bool fits = t.getRank() == rank;
    for (int64_t d = 0; fits && d < rank; ++d)
      fits = d == axis || t.getDimSize(d) == first.getDimSize(d);
    if (!fits)
      return error("concat inputs must match in every dimension but axis " +
                   Twine(axis) + ", got " + spell(first) + " and " + spell(t)),
             failure();
    shape[axis] += t.getDimSize(axis);
  }
  FailureOr<RankedTensorType> result =
      gen.tensorType(shape, first.getElementType(), loc);
  if (failed(result))
    return failure();
  return create<dl::ConcatOp>(*result, inputs,
                              gen.builder.getI64IntegerAttr(axis));
}

FailureOr<Val> OpCall::loss() {
  StringRef op = spec.name;
  Value input = tensor("input"), target = tensor("target");
  auto in = cast<RankedTensorType>(input.getType());
  auto t = cast<RankedTensorType>(target.getType());
  if (op == "cross_entropy") {
    bool fits = (in.getRank() == 2 || in.getRank() == 4) &&
                t.getRank() == in.getRank() - 1 &&
                t.getShape().drop_front() == in.getShape().drop_front(2);
    if (!fits) {
      error("cross_entropy's target " + spell(t) + " does not fit logits " +
            spell(in))
              .attachNote()
          << "logits [N, K] take class indices i32[N]; per-pixel logits "
             "[N, K, H, W] take i32[N, H, W]";
      return failure();
    }
    if (!t.getElementType().isInteger(32))
      return error("cross_entropy expects class indices (i32) as target, got " +
                   spell(t)),
             failure();
    return Val{Kind::Loss,
               gen.builder.create<dl::CrossEntropyOp>(loc, input, target)};
  }
  if (in != t) {
    error(op + "'s target " + spell(t) + " does not fit the prediction " +
          spell(in))
            .attachNote()
        << op << " takes a prediction and an f32 target of the same shape";
    return failure();
  }
  Value result;
  if (op == "mse")
    result = gen.builder.create<dl::MseOp>(loc, input, target);
  else if (op == "l1")
    result = gen.builder.create<dl::L1Op>(loc, input, target);
  else if (op == "bce_with_logits")
    result = gen.builder.create<dl::BceWithLogitsOp>(loc, input, target);
  else
    result = gen.builder.create<dl::DiceOp>(loc, input, target);
  return Val{Kind::Loss, result};
}

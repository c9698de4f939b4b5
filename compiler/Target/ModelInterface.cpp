//===- ModelInterface.cpp - What a compiled model tells its runtime -------===//

#include "compiler/Target/ModelInterface.h"

#include "compiler/Dialect/DL/IR/DLOps.h"

#include <cmath>

using namespace mlir;
using namespace dlc;

static TensorSpec specOf(StringRef name, Type type) {
  auto t = cast<RankedTensorType>(type);
  TensorSpec spec;
  spec.name = name.str();
  spec.dtype = t.getElementType().isInteger(32) ? DLC_I32 : DLC_F32;
  for (int64_t d : t.getShape())
    spec.shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
  return spec;
}

/// PyTorch's reset_parameters(): Conv and Linear draw weight and bias from
/// U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in taken from the weight's
/// dimension 1 (for ConvTranspose too, as torch's fan computation does);
/// BatchNorm starts at weight 1, bias 0, mean 0, var 1.
static void setInit(TensorSpec &spec, BlockArgument arg) {
  for (Operation *user : arg.getUsers()) {
    Value weight;
    if (auto conv = dyn_cast<dl::Conv2DOp>(user))
      weight = conv.getWeight();
    else if (auto convT = dyn_cast<dl::ConvTranspose2DOp>(user))
      weight = convT.getWeight();
    else if (auto dense = dyn_cast<dl::DenseOp>(user))
      weight = dense.getWeight();
    if (weight) {
      ArrayRef<int64_t> w = cast<RankedTensorType>(weight.getType()).getShape();
      int64_t fanIn = w[1];
      for (int64_t d : w.drop_front(2))
        fanIn *= d;
      spec.init = DLC_INIT_UNIFORM;
      spec.bound = 1.0f / std::sqrt(float(fanIn));
      return;
    }
    if (auto bn = dyn_cast<dl::BatchNormOp>(user)) {
      bool ones = arg == bn.getWeight() || arg == bn.getRunningVar();
      spec.init = ones ? DLC_INIT_ONES : DLC_INIT_ZEROS;
      return;
    }
  }
}

FailureOr<ModelInterface> dlc::extractInterface(ModuleOp module) {
  auto forward = module.lookupSymbol<func::FuncOp>(dl::kForwardFunc);
  if (!forward || forward.isExternal())
    return module.emitError("the module has no @forward to compile");
  ModelInterface model;
  model.name = module.getSymName() ? module.getSymName()->str() : "model";
  for (BlockArgument arg : forward.getArguments()) {
    unsigned i = arg.getArgNumber();
    if (auto name = forward.getArgAttrOfType<StringAttr>(
            i, dl::DLDialect::kInputAttr)) {
      model.inputs.push_back(specOf(name, arg.getType()));
      continue;
    }
    auto param = forward.getArgAttrOfType<StringAttr>(i, dl::DLDialect::kParamAttr);
    auto buffer =
        forward.getArgAttrOfType<StringAttr>(i, dl::DLDialect::kBufferAttr);
    if (!param && !buffer)
      return forward.emitError("argument ") << i << " of @forward has no name",
             failure();
    TensorSpec spec = specOf(param ? param : buffer, arg.getType());
    spec.trainable = static_cast<bool>(param);
    setInit(spec, arg);
    model.params.push_back(spec);
  }
  for (unsigned i = 0; i < forward.getNumResults(); ++i) {
    auto name = forward.getResultAttrOfType<StringAttr>(
        i, dl::DLDialect::kOutputAttr);
    model.outputs.push_back(specOf(name ? name.getValue() : "output",
                                   forward.getResultTypes()[i]));
  }
  auto opt =
      module->getAttrOfType<DictionaryAttr>(dl::DLDialect::kOptimizerAttr);
  if (auto loss = module.lookupSymbol<func::FuncOp>(dl::kLossFunc)) {
    for (BlockArgument arg : loss.getArguments())
      if (auto name = loss.getArgAttrOfType<StringAttr>(
              arg.getArgNumber(), dl::DLDialect::kTargetAttr))
        model.targets.push_back(specOf(name, arg.getType()));
    for (const TensorSpec &p : model.params)
      if (p.trainable)
        for (StringRef s : dl::optimizerStateNames(opt)) {
          TensorSpec state = p;
          state.name = "optimizer." + p.name + "." + s.str();
          state.init = DLC_INIT_ZEROS;
          model.state.push_back(state);
        }
    // The first loss term decides the task's metric.
    loss.walk([&](Operation *op) {
      if (!model.metric.empty())
        return;
      if (isa<dl::CrossEntropyOp>(op))
        model.metric = "accuracy";
      else if (isa<dl::DiceOp, dl::BceWithLogitsOp>(op))
        model.metric = "dice";
      else if (isa<dl::MseOp, dl::L1Op>(op))
        model.metric = "psnr";
    });
  }
  if (opt) {
    for (NamedAttribute hyper : opt) {
      if (auto name = dyn_cast<StringAttr>(hyper.getValue()))
        model.optimizer = name.str();
      else if (auto f = dyn_cast<FloatAttr>(hyper.getValue()))
        model.hyperParameters.push_back(
            {hyper.getName().str(), f.getValueAsDouble()});
      else if (auto b = dyn_cast<BoolAttr>(hyper.getValue()))
        model.hyperParameters.push_back(
            {hyper.getName().str(), b.getValue() ? 1.0 : 0.0});
    }
  }
  return model;
}

std::vector<TensorSpec> dlc::preparedTensors(ModuleOp module) {
  std::vector<TensorSpec> prepared;
  auto list = module->getAttrOfType<ArrayAttr>(dl::DLDialect::kPreparedAttr);
  if (!list)
    return prepared;
  for (Attribute a : list) {
    auto d = cast<DictionaryAttr>(a);
    prepared.push_back(specOf(d.getAs<StringAttr>("name").getValue(),
                              d.getAs<TypeAttr>("type").getValue()));
  }
  return prepared;
}

//===- GenerateTrainStep.cpp - @loss -> @train_step (autodiff + optimizer) ===//
//
//   @train_step(inputs, targets, params, state, lr, step, seed)
//       -> (loss, params after the step, state after the step)
//
// 1. Clone @loss; make training-mode ops explicit (batch statistics, running
//    statistics, dropout masks).
// 2. Sweep the ops backwards from d(loss) = 1, asking each op for its
//    operand gradients (GradientOpInterface) and summing gradients of
//    values used twice.
// 3. Update each trainable parameter with the module's optimizer.
//
//===----------------------------------------------------------------------===//

#include "compiler/Dialect/DL/IR/DLOps.h"
#include "compiler/Dialect/DL/IR/GradientBuilder.h"
#include "compiler/Dialect/DL/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::dl {
#define GEN_PASS_DEF_GENERATETRAINSTEP
#include "compiler/Dialect/DL/Transforms/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;
using namespace mlir::dl;

namespace {

/// The optimizer of the module's dl.optimizer attribute.
struct Optimizer {
  std::string name;
  DictionaryAttr hyper;

  double get(StringRef key, double fallback = 0.0) const {
    Attribute a = hyper.get(key);
    if (auto f = dyn_cast_or_null<FloatAttr>(a))
      return f.getValueAsDouble();
    if (auto b = dyn_cast_or_null<BoolAttr>(a))
      return b.getValue();
    return fallback;
  }
};

class TrainStepBuilder {
public:
  TrainStepBuilder(func::FuncOp fn, const Optimizer &opt, bool dropout)
      : fn(fn), opt(opt), dropout(dropout), b(fn.getContext()) {}

  LogicalResult run();

private:
  void makeTrainingOpsExplicit();
  LogicalResult backward(Value loss);
  void accumulate(Value v, Value grad);
  SmallVector<Value> update(BlockArgument param, Value grad,
                            ArrayRef<BlockArgument> state);
  Value scalarF32(double v) {
    return b.create<arith::ConstantOp>(
        fn.getLoc(), DenseElementsAttr::get(
                         RankedTensorType::get({}, b.getF32Type()), float(v)));
  }

  func::FuncOp fn;
  const Optimizer &opt;
  bool dropout;
  OpBuilder b;
  BlockArgument lr, step, seed;
  SmallVector<Value> trainable;
  DenseMap<Value, Value> grads;
  DenseMap<Value, Value> newBuffers; // running statistics after the step
};

/// Batchnorm on batch statistics plus the running update; dropout as a
/// product with a seeded mask (the mask is kept for the backward).
void TrainStepBuilder::makeTrainingOpsExplicit() {
  int64_t stream = 0;
  SmallVector<Operation *> ops;
  fn.walk([&](Operation *op) {
    if (isa<BatchNormOp, DropoutOp>(op))
      ops.push_back(op);
  });
  for (Operation *op : ops) {
    b.setInsertionPoint(op);
    Location loc = op->getLoc();
    if (auto bn = dyn_cast<BatchNormOp>(op)) {
      if (!bn.getTraining())
        continue;
      auto stats =
          b.create<BatchStatsOp>(loc, bn.getWeight().getType(),
                                 bn.getWeight().getType(), bn.getInput());
      auto running = b.create<RunningStatsOp>(
          loc, bn.getRunningMean(), bn.getRunningVar(), stats.getMean(),
          stats.getVariance(), bn.getInput(),
          bn.getMomentum().convertToDouble());
      newBuffers[bn.getRunningMean()] = running.getNewMean();
      newBuffers[bn.getRunningVar()] = running.getNewVar();
      bn.getRunningMeanMutable().assign(stats.getMean());
      bn.getRunningVarMutable().assign(stats.getVariance());
      bn.setTraining(false);
      continue;
    }
    auto dropout = cast<DropoutOp>(op);
    if (!dropout.getTraining())
      continue;
    if (!this->dropout) {
      dropout.replaceAllUsesWith(dropout.getInput());
      dropout.erase();
      continue;
    }
    Value mask =
        b.create<DropoutMaskOp>(loc, dropout.getInput(), seed, step,
                                dropout.getP().convertToDouble(), stream++);
    Value y = b.create<MulOp>(loc, dropout.getType(), dropout.getInput(), mask);
    dropout.replaceAllUsesWith(y);
    dropout.erase();
  }
}

void TrainStepBuilder::accumulate(Value v, Value grad) {
  auto [it, inserted] = grads.try_emplace(v, grad);
  if (!inserted)
    it->second =
        b.create<AddOp>(grad.getLoc(), grad.getType(), it->second, grad);
}

LogicalResult TrainStepBuilder::backward(Value loss) {
  Block &body = fn.getBody().front();
  // Values that depend on a trainable parameter want gradients.
  DenseSet<Value> varying(trainable.begin(), trainable.end());
  SmallVector<Operation *> ops;
  for (Operation &op : body.without_terminator()) {
    ops.push_back(&op);
    if (!isa<DropoutMaskOp>(op) && llvm::any_of(op.getOperands(), [&](Value v) {
          return varying.contains(v);
        }))
      for (Value r : op.getResults())
        if (isa<FloatType>(getElementTypeOrSelf(r.getType())))
          varying.insert(r);
  }
  b.setInsertionPoint(body.getTerminator());
  grads[loss] = scalarF32(1.0);
  for (Operation *op : llvm::reverse(ops)) {
    SmallVector<Value> resultGrads;
    bool any = false;
    for (Value r : op->getResults()) {
      resultGrads.push_back(grads.lookup(r));
      any |= static_cast<bool>(resultGrads.back());
    }
    if (!any)
      continue;
    SmallVector<bool> needed;
    for (Value v : op->getOperands())
      needed.push_back(varying.contains(v));
    auto differentiable = dyn_cast<GradientOpInterface>(op);
    if (!differentiable)
      return op->emitError("no gradient rule for '")
             << op->getName().getStringRef() << "'";
    SmallVector<Value> operandGrads;
    b.setInsertionPoint(body.getTerminator());
    GradientBuilder g(op, resultGrads, needed, b, operandGrads);
    if (failed(differentiable.emitGradients(g)))
      return failure();
    for (auto [operand, grad] : llvm::zip(op->getOperands(), operandGrads))
      if (grad)
        accumulate(operand, grad);
  }
  return success();
}

/// torch.optim's update of one parameter; returns the parameter and its
/// state after the step.
SmallVector<Value> TrainStepBuilder::update(BlockArgument param, Value grad,
                                            ArrayRef<BlockArgument> state) {
  Location loc = param.getLoc();
  auto f64 = [&](StringRef key, double fallback = 0.0) {
    return b.getNamedAttr(key, b.getF64FloatAttr(opt.get(key, fallback)));
  };
  if (opt.name == "sgd") {
    SmallVector<NamedAttribute> attrs = {f64("momentum"), f64("dampening"),
                                         f64("weight_decay")};
    if (opt.get("nesterov") != 0.0)
      attrs.push_back(b.getNamedAttr("nesterov", b.getUnitAttr()));
    SmallVector<Value> operands = {param, grad, lr, step};
    operands.append(state.begin(), state.end());
    SmallVector<Type> types(1 + state.size(), param.getType());
    return b.create<SgdUpdateOp>(loc, types, operands, attrs)->getResults();
  }
  SmallVector<NamedAttribute> attrs = {f64("beta1", 0.9), f64("beta2", 0.999),
                                       f64("eps", 1e-8), f64("weight_decay")};
  if (opt.name == "adamw")
    attrs.push_back(b.getNamedAttr("decoupled", b.getUnitAttr()));
  SmallVector<Type> types(3, param.getType());
  return b
      .create<AdamUpdateOp>(
          loc, types, ValueRange{param, grad, lr, step, state[0], state[1]},
          attrs)
      ->getResults();
}

LogicalResult TrainStepBuilder::run() {
  Block &body = fn.getBody().front();
  MLIRContext *ctx = fn.getContext();
  // Arguments: @loss's, then the optimizer state, then lr, step and seed.
  SmallVector<Attribute> argAttrs(fn.getAllArgAttrs().begin(),
                                  fn.getAllArgAttrs().end());
  SmallVector<BlockArgument> params(
      llvm::make_filter_range(body.getArguments(), [&](BlockArgument a) {
        return fn.getArgAttr(a.getArgNumber(), DLDialect::kParamAttr) ||
               fn.getArgAttr(a.getArgNumber(), DLDialect::kBufferAttr);
      }));
  DenseMap<Value, SmallVector<BlockArgument>> stateOf;
  for (BlockArgument p : params) {
    auto name = fn.getArgAttrOfType<StringAttr>(p.getArgNumber(),
                                                DLDialect::kParamAttr);
    if (!name)
      continue;
    trainable.push_back(p);
    for (StringRef s : optimizerStateNames(opt.hyper)) {
      stateOf[p].push_back(body.addArgument(p.getType(), p.getLoc()));
      argAttrs.push_back(b.getDictionaryAttr(b.getNamedAttr(
          DLDialect::kStateAttr,
          b.getStringAttr("optimizer." + name.getValue() + "." + s))));
    }
  }
  auto scalar = [&](Type element, StringRef name) {
    argAttrs.push_back(b.getDictionaryAttr(
        b.getNamedAttr(DLDialect::kScalarAttr, b.getStringAttr(name))));
    return body.addArgument(RankedTensorType::get({}, element), fn.getLoc());
  };
  lr = scalar(b.getF32Type(), "lr");
  step = scalar(b.getI64Type(), "step");
  seed = scalar(b.getI64Type(), "seed");

  makeTrainingOpsExplicit();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  Value loss = ret.getOperand(0);
  if (failed(backward(loss)))
    return failure();

  b.setInsertionPoint(ret);
  SmallVector<Value> results = {loss};
  SmallVector<Attribute> resultAttrs = {b.getDictionaryAttr(
      b.getNamedAttr(DLDialect::kOutputAttr, b.getStringAttr("loss")))};
  SmallVector<Value> newState;
  SmallVector<Attribute> stateAttrs;
  for (BlockArgument p : params) {
    resultAttrs.push_back(fn.getArgAttrDict(p.getArgNumber()));
    SmallVector<BlockArgument> state = stateOf.lookup(p);
    Value grad = grads.lookup(p);
    if (!fn.getArgAttr(p.getArgNumber(), DLDialect::kParamAttr) || !grad) {
      // A buffer (updated by its batchnorm, if used), or a parameter the
      // loss does not reach: PyTorch leaves it and its state as they are.
      results.push_back(newBuffers.lookup(p) ? newBuffers.lookup(p) : p);
      newState.append(state.begin(), state.end());
    } else {
      SmallVector<Value> updated = update(p, grad, state);
      results.push_back(updated.front());
      newState.append(updated.begin() + 1, updated.end());
    }
    for (BlockArgument s : state)
      stateAttrs.push_back(argAttrs[s.getArgNumber()]);
  }
  results.append(newState);
  resultAttrs.append(stateAttrs);
  b.create<func::ReturnOp>(ret.getLoc(), results);
  ret.erase();
  fn.setFunctionType(FunctionType::get(ctx, body.getArgumentTypes(),
                                       ValueRange(results).getTypes()));
  fn.setAllArgAttrs(argAttrs);
  fn.setAllResultAttrs(resultAttrs);
  return success();
}

struct GenerateTrainStep
    : mlir::dl::impl::GenerateTrainStepBase<GenerateTrainStep> {
  using GenerateTrainStepBase::GenerateTrainStepBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto loss = module.lookupSymbol<func::FuncOp>(kLossFunc);
    if (!loss)
      return;
    if (module.lookupSymbol(kTrainStepFunc)) {
      module.emitError("the module already has a @train_step");
      return signalPassFailure();
    }
    auto hyper =
        module->getAttrOfType<DictionaryAttr>(DLDialect::kOptimizerAttr);
    Optimizer opt{"sgd", hyper ? hyper : DictionaryAttr::get(&getContext())};
    if (hyper)
      opt.name = hyper.getAs<StringAttr>("name").str();
    auto train = cast<func::FuncOp>(loss->clone());
    train.setSymName(kTrainStepFunc);
    train.setPublic();
    module.push_back(train);
    if (failed(TrainStepBuilder(train, opt, dropout).run()))
      signalPassFailure();
  }
};

} // namespace

//===- Descriptor.cpp - The model descriptor and ABI adapter in LLVM IR ---===//
//
// Writes the dlc_model_v5 of runtime/include/dlrt/abi.h as LLVM constants.
// The struct types come from DescriptorLayout.h, whose field lists are
// checked against abi.h at compile time; LLVM lays out non-packed structs
// with the C ABI's alignment, so the runtime reads them with the header's
// types.
//
//===----------------------------------------------------------------------===//

#include "compiler/Dialect/DL/IR/FunctionNames.h"
#include "compiler/Target/DescriptorLayout.h"
#include "compiler/Target/ModelLibrary.h"

#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"

using namespace dlc;
using llvm::Constant;

static llvm::Type *llvmType(abi::Scalar scalar, llvm::LLVMContext &ctx) {
  switch (scalar) {
  case abi::Scalar::I32: return llvm::Type::getInt32Ty(ctx);
  case abi::Scalar::I64: return llvm::Type::getInt64Ty(ctx);
  case abi::Scalar::F32: return llvm::Type::getFloatTy(ctx);
  case abi::Scalar::F64: return llvm::Type::getDoubleTy(ctx);
  case abi::Scalar::Ptr: return llvm::PointerType::get(ctx, 0);
  }
  llvm_unreachable("every scalar of abi.h has an LLVM type");
}

llvm::StructType *abi::structType(llvm::LLVMContext &ctx,
                                  llvm::ArrayRef<Field> fields,
                                  llvm::StringRef name) {
  std::vector<llvm::Type *> types;
  for (const Field &f : fields)
    types.push_back(llvmType(f.type, ctx));
  return llvm::StructType::create(ctx, types, name);
}

std::string dlc::entrySymbol(const ModelInterface &model,
                             const TargetOptions &options) {
  return options.symbol.empty() ? "dlc_model_" + model.name : options.symbol;
}

namespace {

class DescriptorWriter {
public:
  DescriptorWriter(llvm::Module &module, uint64_t scratchBytes)
      : m(module), ctx(module.getContext()), scratchBytes(scratchBytes), ptr(llvm::PointerType::get(ctx, 0)),
        i32(llvm::Type::getInt32Ty(ctx)), i64(llvm::Type::getInt64Ty(ctx)) {
    tensorInfo = abi::structType(ctx, abi::kTensorInfo, "dlc_tensor_info");
    hyper = abi::structType(ctx, abi::kHyperParameter, "dlc_hyper_parameter");
    model = abi::structType(ctx, abi::kModel, "dlc_model_v5");
    trainArgs = abi::structType(ctx, abi::kTrainArgs, "dlc_train_args");
  }

  Constant *string(llvm::StringRef s) {
    return llvm::IRBuilder<>(ctx).CreateGlobalStringPtr(s, ".str", 0, &m);
  }

  Constant *global(Constant *init, llvm::StringRef name) {
    return new llvm::GlobalVariable(m, init->getType(), /*isConstant=*/true,
                                    llvm::GlobalValue::InternalLinkage, init,
                                    name);
  }

  Constant *tensors(const std::vector<TensorSpec> &specs, llvm::StringRef name) {
    if (specs.empty())
      return llvm::ConstantPointerNull::get(ptr);
    std::vector<Constant *> items;
    for (const TensorSpec &s : specs) {
      llvm::ArrayRef<uint64_t> dims(
          reinterpret_cast<const uint64_t *>(s.shape.data()), s.shape.size());
      Constant *shape = global(llvm::ConstantDataArray::get(ctx, dims),
                               (name + ".shape").str());
      items.push_back(llvm::ConstantStruct::get(
          tensorInfo,
          {string(s.name), llvm::ConstantInt::get(i32, s.dtype),
           llvm::ConstantInt::get(i32, s.shape.size()), shape,
           llvm::ConstantInt::get(i32, s.trainable),
           llvm::ConstantInt::get(i32, s.init),
           llvm::ConstantFP::get(llvm::Type::getFloatTy(ctx), s.bound)}));
    }
    return global(llvm::ConstantArray::get(
                      llvm::ArrayType::get(tensorInfo, items.size()), items),
                  name);
  }

  Constant *hyperParameters(const ModelInterface &spec) {
    if (spec.hyperParameters.empty())
      return llvm::ConstantPointerNull::get(ptr);
    std::vector<Constant *> items;
    for (auto &[name, value] : spec.hyperParameters)
      items.push_back(llvm::ConstantStruct::get(
          hyper, {string(name),
                  llvm::ConstantFP::get(llvm::Type::getDoubleTy(ctx), value)}));
    return global(
        llvm::ConstantArray::get(llvm::ArrayType::get(hyper, items.size()), items),
        "dlc.hyper_parameters");
  }

  /// uint64_t workspace_size(int64_t batch): dlc-plan-workspace's
  /// @workspace_size, or none needed when it did not run.
  llvm::Function *workspaceSize() {
    if (llvm::Function *planned = m.getFunction(mlir::dl::kWorkspaceSizeFunc))
      return planned;
    if (llvm::Function *none = m.getFunction("dlc.workspace_size"))
      return none;
    auto *fn = llvm::Function::Create(llvm::FunctionType::get(i64, {i64}, false),
                                      llvm::GlobalValue::InternalLinkage,
                                      "dlc.workspace_size", m);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
    b.CreateRet(llvm::ConstantInt::get(i64, 0));
    return fn;
  }

  /// The runtime's dlc_parallel, when `inner` takes it (before its
  /// workspace, if any: dlc-outline-parallel-loops runs before
  /// dlc-plan-workspace).
  void parallel(llvm::Value *arg, llvm::Function *inner,
                std::vector<llvm::Value *> &args) {
    size_t left = inner->arg_size() - args.size();
    if (left == 1 || left == 6)
      args.push_back(arg);
  }

  /// The memref<?xi8> descriptor of the workspace at `data`, sized for the
  /// batch, when `inner` takes one (its last five arguments).
  void workspace(llvm::IRBuilder<> &b, llvm::Value *batch, llvm::Value *data,
                 llvm::Function *inner, std::vector<llvm::Value *> &args) {
    if (inner->arg_size() != args.size() + 5)
      return;
    scalar(data, args);
    args.push_back(b.CreateCall(workspaceSize(), {batch}));
    args.push_back(llvm::ConstantInt::get(i64, 1));
  }

  /// Appends the memref descriptor (allocated, aligned, offset, sizes,
  /// strides; contiguous row-major) of each tensor of `specs`, whose data
  /// pointers are in the array `array`.
  void unpack(llvm::IRBuilder<> &b, llvm::Value *batch,
              const std::vector<TensorSpec> &specs, llvm::Value *array,
              std::vector<llvm::Value *> &args) {
    for (size_t i = 0; i < specs.size(); ++i) {
      llvm::Value *data = b.CreateLoad(ptr, b.CreateConstGEP1_64(ptr, array, i));
      scalar(data, args);
      const std::vector<int64_t> &shape = specs[i].shape;
      for (int64_t d : shape)
        args.push_back(d < 0 ? batch : llvm::ConstantInt::get(i64, d));
      int64_t stride = 1;
      std::vector<llvm::Value *> strides(shape.size());
      for (size_t k = shape.size(); k-- > 0;) {
        strides[k] = llvm::ConstantInt::get(i64, stride);
        stride *= shape[k] < 0 ? 1 : shape[k];
      }
      args.insert(args.end(), strides.begin(), strides.end());
    }
  }

  /// The descriptor of a rank-0 memref at `data`.
  void scalar(llvm::Value *data, std::vector<llvm::Value *> &args) {
    args.push_back(data);
    args.push_back(data);
    args.push_back(llvm::ConstantInt::get(i64, 0));
  }

  /// A C entry point of type `type` that calls the lowered `inner` with the
  /// arguments `build` makes from its own; null when their count differs.
  llvm::Function *adapter(
      llvm::Function *inner, llvm::FunctionType *type, llvm::StringRef name,
      llvm::function_ref<void(llvm::IRBuilder<> &, llvm::Function *,
                              std::vector<llvm::Value *> &)>
          build) {
    auto *fn = llvm::Function::Create(type, llvm::GlobalValue::InternalLinkage,
                                      name, m);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
    std::vector<llvm::Value *> args;
    build(b, fn, args);
    if (args.size() != inner->arg_size()) {
      fn->eraseFromParent();
      return nullptr;
    }
    b.CreateCall(inner, args);
    b.CreateRet(llvm::ConstantInt::get(i32, 0));
    return fn;
  }

  /// dlc_forward_fn over the lowered @forward(inputs, params, prepared,
  /// outputs).
  llvm::Function *forward(llvm::Function *inner, const ModelInterface &spec) {
    auto *type =
        llvm::FunctionType::get(i32, {i64, ptr, ptr, ptr, ptr, ptr, ptr}, false);
    return adapter(inner, type, "dlc.forward",
                   [&](llvm::IRBuilder<> &b, llvm::Function *fn,
                       std::vector<llvm::Value *> &args) {
                     llvm::Value *batch = fn->getArg(0);
                     unpack(b, batch, spec.inputs, fn->getArg(1), args);
                     unpack(b, batch, spec.params, fn->getArg(2), args);
                     unpack(b, batch, spec.prepared, fn->getArg(3), args);
                     unpack(b, batch, spec.outputs, fn->getArg(4), args);
                     parallel(fn->getArg(6), inner, args);
                     workspace(b, batch, fn->getArg(5), inner, args);
                   });
  }

  /// dlc_prepare_fn over the lowered @prepare(params, prepared).
  llvm::Function *prepare(llvm::Function *inner, const ModelInterface &spec) {
    auto *type = llvm::FunctionType::get(i32, {ptr, ptr, ptr, ptr}, false);
    return adapter(inner, type, "dlc.prepare",
                   [&](llvm::IRBuilder<> &b, llvm::Function *fn,
                       std::vector<llvm::Value *> &args) {
                     llvm::Value *one = llvm::ConstantInt::get(i64, 1);
                     unpack(b, one, spec.params, fn->getArg(0), args);
                     unpack(b, one, spec.prepared, fn->getArg(1), args);
                     parallel(fn->getArg(3), inner, args);
                     workspace(b, one, fn->getArg(2), inner, args);
                   });
  }

  /// dlc_train_step_fn over the lowered @train_step(inputs, targets,
  /// params, state, lr, step, seed, loss), which updates params and state
  /// in place (dlc-update-in-place).
  llvm::Function *trainStep(llvm::Function *inner, const ModelInterface &spec) {
    auto *type = llvm::FunctionType::get(
        i32, {i64, ptr, ptr, ptr, ptr, ptr, ptr, ptr, ptr}, false);
    return adapter(inner, type, "dlc.train_step",
                   [&](llvm::IRBuilder<> &b, llvm::Function *fn,
                       std::vector<llvm::Value *> &args) {
                     llvm::Value *batch = fn->getArg(0);
                     unpack(b, batch, spec.inputs, fn->getArg(1), args);
                     unpack(b, batch, spec.targets, fn->getArg(2), args);
                     unpack(b, batch, spec.params, fn->getArg(3), args);
                     unpack(b, batch, spec.state, fn->getArg(4), args);
                     for (unsigned field = 0; field < 3; ++field)
                       scalar(b.CreateStructGEP(trainArgs, fn->getArg(5), field),
                              args);
                     scalar(fn->getArg(6), args);
                     parallel(fn->getArg(8), inner, args);
                     workspace(b, batch, fn->getArg(7), inner, args);
                   });
  }

  Constant *descriptor(const ModelInterface &spec, llvm::Function *forward,
                       llvm::Function *trainStep, llvm::Function *prepare) {
    auto count = [&](size_t n) { return llvm::ConstantInt::get(i32, n); };
    Constant *null = llvm::ConstantPointerNull::get(ptr);
    Constant *fields[abi::kNumModelFields];
    fields[abi::kAbiMajor] = count(DLC_ABI_VERSION_MAJOR);
    fields[abi::kAbiMinor] = count(DLC_ABI_VERSION_MINOR);
    fields[abi::kName] = string(spec.name);
    fields[abi::kTarget] = string("cpu");
    fields[abi::kNumInputs] = count(spec.inputs.size());
    fields[abi::kNumTargets] = count(spec.targets.size());
    fields[abi::kNumOutputs] = count(spec.outputs.size());
    fields[abi::kNumParams] = count(spec.params.size());
    fields[abi::kInputs] = tensors(spec.inputs, "dlc.inputs");
    fields[abi::kTargets] = tensors(spec.targets, "dlc.targets");
    fields[abi::kOutputs] = tensors(spec.outputs, "dlc.outputs");
    fields[abi::kParams] = tensors(spec.params, "dlc.params");
    fields[abi::kOptimizer] = string(spec.optimizer);
    fields[abi::kNumHyperParameters] = count(spec.hyperParameters.size());
    fields[abi::kHyperParameters] = hyperParameters(spec);
    fields[abi::kNumState] = count(trainStep ? spec.state.size() : 0);
    fields[abi::kState] = trainStep ? tensors(spec.state, "dlc.state") : null;
    fields[abi::kMetric] = string(spec.metric);
    fields[abi::kWorkspaceSize] = workspaceSize();
    fields[abi::kScratchSize] = llvm::ConstantInt::get(i64, scratchBytes);
    fields[abi::kForward] = forward;
    fields[abi::kTrainStep] = trainStep ? trainStep : null;
    fields[abi::kPtx] = null;
    fields[abi::kNumPrepared] = count(prepare ? spec.prepared.size() : 0);
    fields[abi::kPrepared] =
        prepare ? tensors(spec.prepared, "dlc.prepared") : null;
    fields[abi::kPrepare] = prepare ? prepare : null;
    return global(llvm::ConstantStruct::get(model, fields), "dlc.model");
  }

  /// const dlc_model_v5 *<symbol>(void): the library's one visible symbol.
  void entry(Constant *descriptor, llvm::StringRef symbol) {
    auto *fn = llvm::Function::Create(llvm::FunctionType::get(ptr, false),
                                      llvm::GlobalValue::ExternalLinkage,
                                      symbol, m);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
    b.CreateRet(descriptor);
  }

private:
  llvm::Module &m;
  llvm::LLVMContext &ctx;
  uint64_t scratchBytes; ///< dlc-plan-workspace's, for each parallel range
  llvm::PointerType *ptr;
  llvm::IntegerType *i32, *i64;
  llvm::StructType *tensorInfo, *hyper, *model, *trainArgs;
};

} // namespace

/// The parameters that dlc-outline-kernels found to alias no other become
/// `noalias`: the kernels' buffers are views of one workspace, which LLVM
/// alone cannot tell apart.
static void markNoalias(llvm::Function &fn) {
  llvm::Attribute positions = fn.getFnAttribute(mlir::dl::kNoaliasParamsAttr);
  if (!positions.isStringAttribute())
    return;
  llvm::SmallVector<llvm::StringRef> list;
  positions.getValueAsString().split(list, ',');
  for (llvm::StringRef item : list) {
    unsigned position;
    if (!item.getAsInteger(10, position) && position < fn.arg_size() &&
        fn.getArg(position)->getType()->isPointerTy())
      fn.addParamAttr(position, llvm::Attribute::NoAlias);
  }
  fn.removeFnAttr(mlir::dl::kNoaliasParamsAttr);
}

std::unique_ptr<llvm::Module> dlc::buildModelModule(mlir::ModuleOp lowered,
                                                    const ModelInterface &spec,
                                                    const TargetOptions &options,
                                                    llvm::LLVMContext &context) {
  std::unique_ptr<llvm::Module> module =
      mlir::translateModuleToLLVMIR(lowered, context, spec.name);
  if (!module) {
    mlir::emitError(lowered.getLoc(), "translation to LLVM IR failed");
    return nullptr;
  }
  llvm::Function *inner = module->getFunction(mlir::dl::kForwardFunc);
  if (!inner) {
    mlir::emitError(lowered.getLoc(), "the lowered module has no forward");
    return nullptr;
  }
  // Only the entry symbol stays visible: several models link into one binary.
  for (llvm::Function &fn : *module)
    if (!fn.isDeclaration()) {
      fn.setLinkage(llvm::GlobalValue::InternalLinkage);
      markNoalias(fn);
    }
  for (llvm::GlobalVariable &g : module->globals())
    if (!g.isDeclaration())
      g.setLinkage(llvm::GlobalValue::InternalLinkage);

  auto scratch =
      lowered->getAttrOfType<mlir::IntegerAttr>(mlir::dl::kScratchSizeAttr);
  DescriptorWriter writer(*module, scratch ? scratch.getInt() : 0);
  llvm::Function *forward = writer.forward(inner, spec);
  if (!forward) {
    mlir::emitError(lowered.getLoc(),
                    "the lowered forward does not take the memrefs of the "
                    "model's inputs, parameters and outputs");
    return nullptr;
  }
  llvm::Function *trainStep = nullptr;
  if (llvm::Function *innerTrain =
          module->getFunction(mlir::dl::kTrainStepFunc)) {
    trainStep = writer.trainStep(innerTrain, spec);
    if (!trainStep) {
      mlir::emitError(lowered.getLoc(),
                      "the lowered train_step does not take the memrefs of "
                      "the model's inputs, targets, parameters and state");
      return nullptr;
    }
  }
  llvm::Function *prepare = nullptr;
  if (llvm::Function *innerPrepare =
          module->getFunction(mlir::dl::kPrepareFunc)) {
    prepare = writer.prepare(innerPrepare, spec);
    if (!prepare) {
      mlir::emitError(lowered.getLoc(),
                      "the lowered prepare does not take the memrefs of the "
                      "model's parameters and prepared tensors");
      return nullptr;
    }
  }
  std::string symbol = entrySymbol(spec, options);
  if (module->getNamedValue(symbol)) {
    mlir::emitError(lowered.getLoc(), "symbol '" + symbol + "' is taken");
    return nullptr;
  }
  writer.entry(writer.descriptor(spec, forward, trainStep, prepare), symbol);
  return module;
}

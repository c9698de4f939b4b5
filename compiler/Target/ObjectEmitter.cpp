//===- ObjectEmitter.cpp - Optimise, emit the object, link the .so --------===//

#include "compiler/Target/CPUTarget.h"
#include "compiler/Target/ModelLibrary.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Operator.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Transforms/Utils/SplitModule.h"

#include <thread>

using namespace dlc;

static std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const TargetOptions &options, std::string &error) {
  llvm::FailureOr<CPUTarget> cpu = resolveCPU(options.cpu, error);
  if (failed(cpu))
    return nullptr;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(cpu->triple, error);
  if (!target)
    return nullptr;
  llvm::TargetOptions targetOptions;
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      cpu->triple, cpu->cpu, cpu->features, targetOptions, llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
}

llvm::LogicalResult dlc::optimizeModule(llvm::Module &module,
                                        const TargetOptions &options,
                                        std::string &error) {
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(options, error);
  if (!machine)
    return llvm::failure();
  module.setTargetTriple(machine->getTargetTriple().str());
  module.setDataLayout(machine->createDataLayout());

  // Sums may be reassociated and multiply-adds fused, as every fast
  // convolution library does: LLVM can then vectorise dot products. Results
  // move by rounding only (no NaN/Inf assumptions are made).
  for (llvm::Function &fn : module)
    for (llvm::Instruction &inst : llvm::instructions(fn))
      if (llvm::isa<llvm::FPMathOperator>(inst)) {
        inst.setHasAllowReassoc(true);
        inst.setHasAllowContract(true);
      }

  // Full-width vectors where the CPU has AVX-512 (LLVM prefers 256 bits).
  if (machine->getMCSubtargetInfo()->checkFeatures("+avx512f"))
    for (llvm::Function &fn : module)
      if (!fn.isDeclaration())
        fn.addFnAttr("prefer-vector-width", "512");

  // The standard O3 pipeline: inlining, loop vectorisation, SLP.
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  // No unrolling before vectorisation: LLVM would fully unroll a short
  // output row and then vectorise across rows with gathers.
  llvm::PipelineTuningOptions tuning;
  tuning.LoopUnrolling = false;
  llvm::PassBuilder builder(machine.get(), tuning);
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3)
      .run(module, mam);
  return llvm::success();
}

llvm::LogicalResult dlc::emitObject(llvm::Module &module,
                                    const TargetOptions &options,
                                    llvm::raw_pwrite_stream &os,
                                    std::string &error) {
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(options, error);
  if (!machine)
    return llvm::failure();
  llvm::legacy::PassManager codegen;
  if (machine->addPassesToEmitFile(codegen, os, nullptr,
                                   llvm::CodeGenFileType::ObjectFile)) {
    error = "the target cannot emit object files";
    return llvm::failure();
  }
  codegen.run(module);
  return llvm::success();
}

llvm::LogicalResult dlc::emitObjectsInParts(llvm::Module &module,
                                            const TargetOptions &options,
                                            llvm::ArrayRef<std::string> paths,
                                            std::string &error) {
  // Each part travels as bitcode into a context of its own: LLVM contexts
  // are not shared between threads. The kernels are noinline functions, so
  // a split loses no inlining that matters; SplitModule makes what crosses
  // parts hidden, not exported.
  llvm::SmallVector<llvm::SmallString<0>> bitcode;
  llvm::SplitModule(module, paths.size(),
                    [&](std::unique_ptr<llvm::Module> part) {
                      llvm::raw_svector_ostream os(bitcode.emplace_back());
                      llvm::WriteBitcodeToFile(*part, os);
                    });
  llvm::SmallVector<std::string> errors(bitcode.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < bitcode.size(); ++i)
    threads.emplace_back([&, i] {
      llvm::LLVMContext context;
      llvm::Expected<std::unique_ptr<llvm::Module>> part =
          llvm::parseBitcodeFile(
              llvm::MemoryBufferRef(bitcode[i].str(), "part"), context);
      if (!part) {
        errors[i] = llvm::toString(part.takeError());
        return;
      }
      std::error_code ec;
      llvm::raw_fd_ostream os(paths[i], ec);
      if (ec)
        errors[i] = "cannot write '" + paths[i] + "': " + ec.message();
      else if (succeeded(optimizeModule(**part, options, errors[i])))
        (void)emitObject(**part, options, os, errors[i]);
    });
  for (std::thread &thread : threads)
    thread.join();
  for (const std::string &message : errors)
    if (!message.empty()) {
      error = message;
      return llvm::failure();
    }
  return llvm::success();
}

llvm::LogicalResult dlc::linkSharedLibrary(llvm::ArrayRef<std::string> objects,
                                           llvm::StringRef output,
                                           std::string &error) {
  llvm::ErrorOr<std::string> cc = llvm::sys::findProgramByName("cc");
  if (!cc) {
    error = "no C compiler ('cc') on the PATH to link the shared library";
    return llvm::failure();
  }
  // -z defs: every symbol must resolve now (to libc or libm), not at dlopen.
  llvm::SmallVector<llvm::StringRef> args = {*cc, "-shared", "-o", output};
  args.append(objects.begin(), objects.end());
  args.append({"-Wl,-z,defs", "-lm"});
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*cc, args, std::nullopt, {}, 0, 0,
                                     &message);
  if (rc != 0) {
    error = "linking " + output.str() + " failed" +
            (message.empty() ? "" : ": " + message);
    return llvm::failure();
  }
  return llvm::success();
}

//===- dlc.cpp - The dlc compiler driver ----------------------------------===//
//
//   dlc model.net                      -> model.so (CPU, this machine)
//   dlc model.net --emit=summary       the layer table
//   dlc model.net --emit=dl|linalg|llvm-dialect|llvm|obj -o FILE
//
// Each --emit stops the one pipeline (compiler/Pipelines) at that stage.
//
//===----------------------------------------------------------------------===//

#include "compiler/Dialect/DL/IR/DLOps.h"
#include "compiler/Dialect/DL/Transforms/Passes.h"
#include "compiler/Frontend/Builtins.h"
#include "compiler/Frontend/MLIRGen.h"
#include "compiler/InitAll.h"
#include "compiler/Pipelines/Pipelines.h"
#include "compiler/Target/ModelLibrary.h"
#include "runtime/include/dlrt/abi.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <algorithm>
#include <map>
#include <thread>

namespace cl = llvm::cl;

namespace {
enum class Emit { DL, Summary, Linalg, LLVMDialect, LLVM, Obj, SO };

cl::OptionCategory dlcCategory("dlc options");

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.net>"),
                               cl::Required, cl::cat(dlcCategory));
cl::opt<std::string> outputFile(
    "o",
    cl::desc("Output file ('-' for stdout). Default: <model>.so or <model>.o "
             "in the current directory, stdout for text"),
    cl::value_desc("file"), cl::cat(dlcCategory));
cl::opt<Emit> emit(
    "emit", cl::desc("What to produce (default: so)"), cl::init(Emit::SO),
    cl::values(
        clEnumValN(Emit::DL, "dl",
                   "the network in the dl dialect: @forward (inference) and "
                   "@loss (training objective)"),
        clEnumValN(Emit::Summary, "summary",
                   "a Keras-style table of layers, output shapes and "
                   "parameters, ending with 'Total params: <count>'"),
        clEnumValN(Emit::Linalg, "linalg",
                   "@forward and @train_step lowered to linalg on tensors "
                   "(the target-independent half of the pipeline)"),
        clEnumValN(Emit::LLVMDialect, "llvm-dialect",
                   "the lowered module in MLIR's LLVM dialect, before "
                   "translation (what dlc-opt --dlc-cpu-pipeline prints)"),
        clEnumValN(Emit::LLVM, "llvm",
                   "optimised LLVM IR with the model descriptor"),
        clEnumValN(Emit::Obj, "obj",
                   "an object file exporting the model's entry symbol"),
        clEnumValN(Emit::SO, "so",
                   "a self-contained shared library (needs only libc and "
                   "libm) for dlc-run or an application")),
    cl::cat(dlcCategory));
cl::opt<std::string> network("network",
                             cl::desc("The network to compile when the file "
                                      "defines several"),
                             cl::value_desc("name"), cl::cat(dlcCategory));
cl::opt<std::string> cpu(
    "cpu",
    cl::desc("Target CPU for obj/so, e.g. x86-64-v3 (default: this machine's)"),
    cl::value_desc("name"), cl::cat(dlcCategory));
cl::opt<std::string> symbol(
    "symbol",
    cl::desc("The exported entry symbol (default: dlc_model_<network>)"),
    cl::value_desc("name"), cl::cat(dlcCategory));
cl::opt<std::string> optimizer(
    "optimizer",
    cl::desc("Train with this optimizer instead of the .net's: sgd, adam or "
             "adamw, with hyper-parameters as in the language, e.g. "
             "'sgd(lr=0.01, momentum=0.9, nesterov=true)'; the rest keep "
             "PyTorch's defaults"),
    cl::value_desc("spec"), cl::cat(dlcCategory));
cl::opt<bool> inferenceOnly(
    "inference-only",
    cl::desc("Leave out the training step (backward pass and optimizer)"),
    cl::cat(dlcCategory));
cl::opt<bool> withoutDropout(
    "train-without-dropout",
    cl::desc("Training dropout becomes the identity (for comparisons with "
             "PyTorch, whose random masks differ)"),
    cl::Hidden, cl::cat(dlcCategory));
cl::opt<bool> noFusion(
    "no-fusion",
    cl::desc("Write each layer's raw result to memory before its bias, "
             "batchnorm and activation (to measure what fusion gains)"),
    cl::cat(dlcCategory));
cl::opt<bool> noWinograd(
    "no-winograd",
    cl::desc("Compute 3x3 convolutions directly, not by Winograd's "
             "F(2x2, 3x3) (to measure what it gains)"),
    cl::cat(dlcCategory));
cl::opt<bool> verifyDiagnostics(
    "verify-diagnostics",
    cl::desc("Check the errors against '# expected-error {{...}}' comments in "
             "the .net file (for tests)"),
    cl::cat(dlcCategory));
} // namespace

static int fail(const llvm::Twine &message) {
  llvm::errs() << "dlc: " << message << "\n";
  return 1;
}

/// -o, or <input stem>.<ext> in the current directory for binaries.
static std::string outputPath(llvm::StringRef extension) {
  if (!outputFile.empty())
    return outputFile;
  if (extension.empty())
    return "-";
  return (llvm::sys::path::stem(inputFile) + "." + extension).str();
}

static int writeText(llvm::function_ref<void(llvm::raw_ostream &)> print) {
  std::string error;
  auto out = mlir::openOutputFile(outputPath(""), &error);
  if (!out)
    return fail(error);
  print(out->os());
  out->keep();
  return 0;
}

static int emitBinary(mlir::ModuleOp module, const dlc::ModelInterface &model) {
  dlc::TargetOptions options{cpu, symbol};
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> llvmModule =
      dlc::buildModelModule(module, model, options, context);
  std::string error;
  if (!llvmModule)
    return 1;
  std::string libraryPath = outputPath("so");
  llvm::StringRef folder = llvm::sys::path::parent_path(libraryPath);
  if (emit == Emit::SO && !folder.empty() && !llvm::sys::fs::is_directory(folder))
    return fail("cannot write '" + libraryPath + "': No such file or directory");
  // A .so: one temporary object per core, compiled in parallel.
  if (emit == Emit::SO) {
    unsigned parts = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
    std::vector<std::string> objects;
    auto removeObjects = [&] {
      for (const std::string &object : objects)
        llvm::sys::fs::remove(object);
    };
    for (unsigned i = 0; i < parts; ++i) {
      llvm::SmallString<128> temporary;
      if (std::error_code ec =
              llvm::sys::fs::createTemporaryFile("dlc", "o", temporary)) {
        removeObjects();
        return fail("cannot create a temporary object file: " + ec.message());
      }
      objects.push_back(temporary.str().str());
    }
    llvm::LogicalResult built =
        dlc::emitObjectsInParts(*llvmModule, options, objects, error);
    if (succeeded(built))
      built = dlc::linkSharedLibrary(objects, libraryPath, error);
    removeObjects();
    return failed(built) ? fail(error) : 0;
  }
  if (failed(dlc::optimizeModule(*llvmModule, options, error)))
    return fail(error);
  if (emit == Emit::LLVM)
    return writeText([&](llvm::raw_ostream &os) { llvmModule->print(os, nullptr); });
  auto out = mlir::openOutputFile(outputPath("o"), &error);
  if (!out)
    return fail(error);
  if (failed(dlc::emitObject(*llvmModule, options, out->os(), error)))
    return fail(error);
  out->keep();
  return 0;
}

/// `name` or `name(key=value, ...)` as the module's dl.optimizer, with
/// PyTorch's defaults for what it leaves out.
static mlir::LogicalResult overrideOptimizer(mlir::ModuleOp module,
                                             llvm::StringRef text) {
  auto bad = [&](const llvm::Twine &why) {
    llvm::errs() << "dlc: --optimizer='" << text << "': " << why << "\n";
    return mlir::failure();
  };
  auto [name, rest] = text.trim().split('(');
  const dlc::BuiltinSpec *spec = dlc::lookupOptimizer(name.trim());
  if (!spec)
    return bad("unknown optimizer '" + name.trim() +
               "'; expected sgd, adam or adamw");
  rest = rest.trim();
  if (!rest.empty() && !rest.consume_back(")"))
    return bad("expected ')' at the end");
  std::map<std::string, double> values;
  for (const dlc::ArgSpec &arg : spec->args)
    values[arg.name.str()] = *arg.defaultValue;
  llvm::SmallVector<llvm::StringRef> items;
  rest.split(items, ',', -1, false);
  for (llvm::StringRef item : items) {
    auto [key, value] = item.split('=');
    key = key.trim();
    value = value.trim();
    if (!values.count(key.str()))
      return bad("'" + name.trim() + "' has no hyper-parameter '" + key + "'");
    double number;
    if (value == "true" || value == "false")
      number = value == "true";
    else if (value.getAsDouble(number))
      return bad("'" + value + "' is not a number");
    values[key.str()] = number;
  }
  mlir::Builder b(module.getContext());
  llvm::SmallVector<mlir::NamedAttribute> hyper = {
      b.getNamedAttr("name", b.getStringAttr(spec->name))};
  for (const dlc::ArgSpec &arg : spec->args) {
    double v = values[arg.name.str()];
    hyper.push_back(b.getNamedAttr(
        arg.name, arg.kind == dlc::Kind::Bool
                      ? mlir::Attribute(b.getBoolAttr(v != 0))
                      : mlir::Attribute(b.getF64FloatAttr(v))));
  }
  module->setAttr(mlir::dl::DLDialect::kOptimizerAttr,
                  b.getDictionaryAttr(hyper));
  return mlir::success();
}

static int compile(llvm::SourceMgr &mgr, mlir::MLIRContext &ctx) {
  dlc::SourceFile file(mgr, &ctx);
  mlir::OwningOpRef<mlir::ModuleOp> module = dlc::compileNetFile(file, network);
  if (!module)
    return 1;
  if (!optimizer.empty() && (failed(overrideOptimizer(*module, optimizer)) ||
                             failed(mlir::verify(*module))))
    return 1;
  // As mlir-opt prints: dlc-opt output compares equal.
  auto printModule = [&](llvm::raw_ostream &os) {
    module->print(os);
    os << "\n";
  };
  if (emit == Emit::DL)
    return writeText(printModule);
  if (emit == Emit::Summary) {
    int rc = 0;
    int written = writeText([&](llvm::raw_ostream &os) {
      rc = failed(mlir::dl::printSummary(*module, os));
    });
    return rc | written;
  }

  mlir::FailureOr<dlc::ModelInterface> model = dlc::extractInterface(*module);
  if (failed(model))
    return 1;
  mlir::PassManager pm(&ctx);
  // MLIR's --mlir-print-ir-after-all, --mlir-timing, ... on dlc's pipeline
  // (its timing report is printed when `timing` goes).
  if (failed(mlir::applyPassManagerCLOptions(pm)))
    return 1;
  mlir::DefaultTimingManager timing;
  mlir::applyDefaultTimingManagerCLOptions(timing);
  mlir::TimingScope passes = timing.getRootScope();
  pm.enableTiming(passes);
  dlc::PipelineOptions options;
  options.training = !inferenceOnly;
  options.dropout = !withoutDropout;
  options.fusion = !noFusion;
  options.winograd = !noWinograd;
  options.cpu = cpu.getValue();
  std::string error;
  if (emit == Emit::Linalg)
    dlc::buildDLToLinalgPipeline(pm, options);
  else if (failed(dlc::buildCPUPipeline(pm, options, error)))
    return fail(error);
  if (failed(pm.run(*module)))
    return 1;
  if (emit == Emit::Linalg || emit == Emit::LLVMDialect)
    return writeText(printModule);
  model->prepared = dlc::preparedTensors(*module);
  return emitBinary(*module, *model);
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  cl::HideUnrelatedOptions(dlcCategory);
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "dlc " DLC_VERSION_STRING " (model ABI " << DLC_ABI_VERSION_MAJOR
       << "." << DLC_ABI_VERSION_MINOR << ", LLVM " LLVM_VERSION_STRING ")\n";
  });
  cl::ParseCommandLineOptions(
      argc, argv,
      "dlc: the dlc deep-learning compiler\n\n"
      "Compiles a network written in the .net language (docs/language.md)\n"
      "into a shared library that dlc-run or an application loads.\n"
      "Errors name file:line:col and exit with status 1.\n"
      "Also accepted: --mlir-print-debuginfo (layer names and source\n"
      "locations in --emit=dl), --mlir-print-ir-after-all (the IR after\n"
      "each pass; docs/pipeline.md lists them), --mlir-timing, and every\n"
      "option of --help-hidden.\n");

  mlir::DialectRegistry registry;
  dlc::registerAllDLCDialects(registry);
  mlir::MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  ctx.printOpOnDiagnostic(false); // errors point at the .net, not at IR

  std::string error;
  auto buffer = mlir::openInputFile(inputFile, &error);
  if (!buffer)
    return fail("cannot read '" + inputFile + "': " + error);
  llvm::SourceMgr mgr;
  mgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  if (verifyDiagnostics) {
    mlir::SourceMgrDiagnosticVerifierHandler handler(mgr, &ctx);
    (void)compile(mgr, ctx);
    return failed(handler.verify()) ? 1 : 0;
  }
  mlir::SourceMgrDiagnosticHandler handler(mgr, &ctx);
  return compile(mgr, ctx);
}

//===- dlc.cpp - The dlc compiler driver ----------------------------------===//
//
//   dlc model.net --emit=summary
//   dlc model.net --emit=dl -o model.mlir
//
//===----------------------------------------------------------------------===//

#include "compiler/Dialect/DL/Transforms/Passes.h"
#include "compiler/Frontend/MLIRGen.h"
#include "compiler/InitAll.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

namespace cl = llvm::cl;

namespace {
enum class Emit { DL, Summary };

cl::OptionCategory dlcCategory("dlc options");

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.net>"),
                               cl::Required, cl::cat(dlcCategory));
cl::opt<std::string> outputFile("o", cl::desc("Output file ('-' for stdout)"),
                                cl::value_desc("file"), cl::init("-"),
                                cl::cat(dlcCategory));
cl::opt<Emit> emit(
    "emit", cl::desc("What to produce"), cl::init(Emit::DL),
    cl::values(clEnumValN(Emit::DL, "dl",
                          "the network in the dl dialect: @forward (inference) "
                          "and @loss (training objective)"),
               clEnumValN(Emit::Summary, "summary",
                          "a Keras-style table of layers, output shapes and "
                          "parameters, ending with 'Total params: <count>'")),
    cl::cat(dlcCategory));
cl::opt<std::string> network("network",
                             cl::desc("The network to compile when the file "
                                      "defines several"),
                             cl::value_desc("name"), cl::cat(dlcCategory));
cl::opt<bool> verifyDiagnostics(
    "verify-diagnostics",
    cl::desc("Check the errors against '# expected-error {{...}}' comments in "
             "the .net file (for tests)"),
    cl::cat(dlcCategory));
} // namespace

static int compile(llvm::SourceMgr &mgr, mlir::MLIRContext &ctx) {
  dlc::SourceFile file(mgr, &ctx);
  mlir::OwningOpRef<mlir::ModuleOp> module = dlc::compileNetFile(file, network);
  if (!module)
    return 1;
  std::string error;
  auto out = mlir::openOutputFile(outputFile, &error);
  if (!out) {
    llvm::errs() << "dlc: " << error << "\n";
    return 1;
  }
  if (emit == Emit::Summary) {
    if (failed(mlir::dl::printSummary(*module, out->os())))
      return 1;
  } else {
    module->print(out->os());
  }
  out->keep();
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  cl::HideUnrelatedOptions(dlcCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "dlc: the dlc deep-learning compiler\n\n"
      "Compiles a network written in the .net language (docs/language.md).\n"
      "Errors name file:line:col and exit with status 1.\n"
      "Also accepted: --mlir-print-debuginfo (layer names and source\n"
      "locations in --emit=dl), and every option of --help-hidden.\n");

  mlir::DialectRegistry registry;
  dlc::registerAllDLCDialects(registry);
  mlir::MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();

  std::string error;
  auto buffer = mlir::openInputFile(inputFile, &error);
  if (!buffer) {
    llvm::errs() << "dlc: cannot read '" << inputFile << "': " << error << "\n";
    return 1;
  }
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

//===- ModelLibrary.h - LLVM IR, object and .so for a model -----*- C++ -*-===//

#ifndef DLC_TARGET_MODELLIBRARY_H
#define DLC_TARGET_MODELLIBRARY_H

#include "compiler/Target/ModelInterface.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>

namespace dlc {

struct TargetOptions {
  std::string cpu;    ///< LLVM CPU name; empty: this machine's.
  std::string symbol; ///< The exported symbol; empty: dlc_model_<network>.
};

/// The exported symbol for `model` under `options`.
std::string entrySymbol(const ModelInterface &model,
                        const TargetOptions &options);

/// Translates the lowered module (LLVM dialect) to LLVM IR and adds the
/// model descriptor (abi.h) and its entry symbol, the only symbol left
/// visible; the ABI adapter calls the lowered @forward with memref
/// descriptors built from plain pointers. Null on failure, with a diagnostic.
std::unique_ptr<llvm::Module> buildModelModule(mlir::ModuleOp lowered,
                                               const ModelInterface &model,
                                               const TargetOptions &options,
                                               llvm::LLVMContext &context);

/// Sets the target and optimises the module (LLVM's O3: inlining, loop and
/// SLP vectorisation) for the target CPU.
llvm::LogicalResult optimizeModule(llvm::Module &module,
                                   const TargetOptions &options,
                                   std::string &error);

/// Writes an optimised module as an object file.
llvm::LogicalResult emitObject(llvm::Module &module,
                               const TargetOptions &options,
                               llvm::raw_pwrite_stream &os, std::string &error);

/// Splits a module (not yet optimised) into one part per path, then
/// optimises each part and writes it as an object on a thread of its own:
/// LLVM's optimisation and code generation, most of the compile time, run
/// on every core.
llvm::LogicalResult emitObjectsInParts(llvm::Module &module,
                                       const TargetOptions &options,
                                       llvm::ArrayRef<std::string> paths,
                                       std::string &error);

/// Links `objects` into the shared library `output` with the system C
/// compiler (libc and libm only; every symbol resolved).
llvm::LogicalResult linkSharedLibrary(llvm::ArrayRef<std::string> objects,
                                      llvm::StringRef output,
                                      std::string &error);

} // namespace dlc

#endif // DLC_TARGET_MODELLIBRARY_H

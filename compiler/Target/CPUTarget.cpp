//===- CPUTarget.cpp - The CPU a model is compiled for --------------------===//

#include "compiler/Target/CPUTarget.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

#include <memory>

llvm::FailureOr<dlc::CPUTarget> dlc::resolveCPU(llvm::StringRef cpu,
                                                std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  CPUTarget t;
  t.triple = llvm::sys::getDefaultTargetTriple();
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(t.triple, error);
  if (!target)
    return llvm::failure();
  t.cpu = cpu.empty() ? llvm::sys::getHostCPUName().str() : cpu.str();
  if (cpu.empty()) {
    llvm::SubtargetFeatures f;
    for (auto &[name, enabled] : llvm::sys::getHostCPUFeatures())
      f.AddFeature(name, enabled);
    t.features = f.getString();
  }
  // Asked of the generic CPU first: LLVM warns on stderr when it is handed
  // a name it does not know.
  std::unique_ptr<llvm::MCSubtargetInfo> generic(
      target->createMCSubtargetInfo(t.triple, "", ""));
  if (!generic || !generic->isCPUStringValid(t.cpu)) {
    error = "unknown CPU '" + t.cpu + "' for " + t.triple;
    return llvm::failure();
  }
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      target->createMCSubtargetInfo(t.triple, t.cpu, t.features));
  t.lanes = info->checkFeatures("+avx512f") ? 16
            : info->checkFeatures("+avx")   ? 8
                                            : 4;
  return t;
}

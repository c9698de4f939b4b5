//===- DescriptorLayoutTest.cpp - LLVM lays the descriptor out as abi.h --===//
//
// The compiler writes the descriptor through LLVM struct types built from
// DescriptorLayout.h's field lists (which static_asserts tie to abi.h);
// here LLVM's own layout of those types, for this machine, must put every
// field at the C struct's offset and give the C struct's size.
//
//===----------------------------------------------------------------------===//

#include "compiler/Target/DescriptorLayout.h"

#include "llvm/IR/DataLayout.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include <gtest/gtest.h>

#include <memory>

using namespace dlc::abi;

namespace {

llvm::DataLayout hostLayout() {
  llvm::InitializeNativeTarget();
  std::string error, triple = llvm::sys::getDefaultTargetTriple();
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  EXPECT_NE(target, nullptr) << error;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, "", "", llvm::TargetOptions(), std::nullopt));
  return machine->createDataLayout();
}

void expectLayout(llvm::ArrayRef<Field> fields, size_t size, const char *name) {
  llvm::LLVMContext ctx;
  llvm::StructType *type = structType(ctx, fields, name);
  llvm::DataLayout host = hostLayout(); // owns the StructLayout below
  const llvm::StructLayout *layout = host.getStructLayout(type);
  ASSERT_EQ(type->getNumElements(), fields.size()) << name;
  for (size_t i = 0; i < fields.size(); ++i)
    EXPECT_EQ(layout->getElementOffset(i), fields[i].offset)
        << name << " field " << i;
  EXPECT_EQ(layout->getSizeInBytes(), size) << name;
}

TEST(DescriptorLayout, LLVMLaysOutEveryStructAsAbiH) {
  expectLayout(kTensorInfo, sizeof(dlc_tensor_info), "dlc_tensor_info");
  expectLayout(kHyperParameter, sizeof(dlc_hyper_parameter),
               "dlc_hyper_parameter");
  expectLayout(kTrainArgs, sizeof(dlc_train_args), "dlc_train_args");
  expectLayout(kModel, sizeof(dlc_model_v5), "dlc_model_v5");
}

// The check that ties the lists to abi.h, run on a list with a field left
// out and on one with a field of the wrong size: both must be refused.
TEST(DescriptorLayout, CoverageCheckRefusesIncompleteLists) {
  EXPECT_TRUE(coversStruct(kTrainArgs, 3, sizeof(dlc_train_args)));
  Field missing[] = {kTrainArgs[0], kTrainArgs[2]};
  EXPECT_FALSE(coversStruct(missing, 2, sizeof(dlc_train_args)));
  Field retyped[] = {kTrainArgs[0],
                     kTrainArgs[1],
                     {Scalar::I32, kTrainArgs[2].offset, kTrainArgs[2].size}};
  EXPECT_FALSE(coversStruct(retyped, 3, sizeof(dlc_train_args)));
}

} // namespace

//===- Pipelines.cpp - The one place that lists every pass in order -------===//
//
//   dl ──(DLToLinalg)──► linalg on tensors ──(LinalgToCPU)──► LLVM dialect
//
//   @forward and, for networks with a loss, @train_step (dl-generate-train-step)
//
// dlc and dlc-opt (--dlc-cpu-pipeline) run exactly these lists.
//
//===----------------------------------------------------------------------===//

#include "compiler/Pipelines/Pipelines.h"

#include "compiler/Conversion/Passes.h"
#include "compiler/Dialect/DL/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

/// Copies as linalg.copy, which becomes loops: memref.copy of a strided view
/// would call MLIR's C runner library, which a model.so must not need.
static LogicalResult copyWithLinalg(OpBuilder &b, Location loc, Value from,
                                    Value to) {
  b.create<linalg::CopyOp>(loc, from, to);
  return success();
}

void dlc::buildDLToLinalgPipeline(OpPassManager &pm,
                                  const PipelineOptions &options) {
  if (options.training)
    pm.addPass(dl::createGenerateTrainStep({options.dropout}));
  pm.addPass(createSymbolDCEPass()); // @loss is private
  pm.addPass(createCanonicalizerPass());
  pm.addPass(dlc::createConvertDLToLinalg());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createLinalgElementwiseOpFusionPass());
  pm.addPass(createCanonicalizerPass());
}

void dlc::buildLinalgToCPUPipeline(OpPassManager &pm) {
  pm.addNestedPass<func::FuncOp>(dlc::createWindowLoopOrder());
  // Sizes asked of a result (tensor.dim) are asked of its operands instead.
  pm.addPass(memref::createResolveShapedTypeResultDimsPass());
  pm.addPass(createCanonicalizerPass());
  bufferization::OneShotBufferizationOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.setFunctionBoundaryTypeConversion(
      bufferization::LayoutMapOption::IdentityLayoutMap);
  bufferize.memCpyFn = copyWithLinalg;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // Outputs become caller-allocated arguments: the runtime owns them.
  bufferization::BufferResultsToOutParamsOpts outParams;
  outParams.memCpyFn = copyWithLinalg;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  bufferization::BufferDeallocationPipelineOptions dealloc;
  bufferization::buildBufferDeallocationPipeline(pm, dealloc);
  pm.addPass(createCanonicalizerPass());
  // Identical views merge, so copies of a view onto itself fold away and the
  // accumulators of register blocks can leave their reduction loops.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createLoopInvariantCodeMotionPass());
  pm.addNestedPass<func::FuncOp>(dlc::createHoistAccumulators());
  pm.addPass(dlc::createOutlineKernels());

  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createConvertVectorToSCFPass(
      VectorTransferToSCFOptions().enableFullUnroll()));
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertSCFToCFPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

void dlc::buildCPUPipeline(OpPassManager &pm, const PipelineOptions &options) {
  buildDLToLinalgPipeline(pm, options);
  buildLinalgToCPUPipeline(pm);
}

void dlc::registerDLCPipelines() {
  PassPipelineRegistration<>("dlc-to-linalg-pipeline",
                             "dl to linalg on tensors (target-independent)",
                             [](OpPassManager &pm) { buildDLToLinalgPipeline(pm); });
  PassPipelineRegistration<>("dlc-linalg-to-cpu-pipeline",
                             "linalg on tensors to the LLVM dialect (CPU)",
                             buildLinalgToCPUPipeline);
  PassPipelineRegistration<>("dlc-cpu-pipeline",
                             "dl to the LLVM dialect for the CPU (what dlc "
                             "runs before emitting an object)",
                             [](OpPassManager &pm) { buildCPUPipeline(pm); });
}

//===- Pipelines.cpp - The one place that lists every pass in order -------===//
//
//   dl ──(DLToLinalg)──► linalg on tensors ──(Codegen/CPU + upstream)──►
//   LLVM dialect
//
//   @forward and, for networks with a loss, @train_step
//   (from dl-generate-train-step)
//
// dlc and dlc-opt (--dlc-cpu-pipeline='...') run exactly these lists, with
// the same options.
//
//===----------------------------------------------------------------------===//

#include "compiler/Pipelines/Pipelines.h"

#include "compiler/Codegen/CPU/Passes.h"
#include "compiler/Codegen/Common/Passes.h"
#include "compiler/Conversion/Passes.h"
#include "compiler/Dialect/DL/Transforms/Passes.h"
#include "compiler/Target/CPUTarget.h"

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
  pm.addPass(dl::createFoldBatchNorm());
  if (options.winograd)
    pm.addPass(dl::createWinogradConvolutions());
  pm.addPass(dl::createTransposeDenseWeights());
  pm.addPass(dl::createOutlinePrepare());
  pm.addPass(dlc::createConvertDLToLinalg());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createLinalgElementwiseOpFusionPass());
  pm.addPass(createCanonicalizerPass());
  if (options.fusion) {
    pm.addNestedPass<func::FuncOp>(dlc::createFuseEpilogues());
    pm.addPass(createCanonicalizerPass());
  }
  pm.addNestedPass<func::FuncOp>(dlc::createUpdateInPlace());
}

LogicalResult dlc::buildLinalgToCPUPipeline(OpPassManager &pm,
                                            const PipelineOptions &options,
                                            std::string &error) {
  FailureOr<CPUTarget> target = resolveCPU(options.cpu, error);
  if (failed(target))
    return failure();
  pm.addNestedPass<func::FuncOp>(dlc::createWindowLoopOrder({target->lanes}));
  // Sizes asked of a result (tensor.dim) are asked of its operands instead.
  pm.addPass(memref::createResolveShapedTypeResultDimsPass());
  pm.addPass(createCanonicalizerPass());
  // Right before bufferisation: folding would undo what it sets up.
  pm.addNestedPass<func::FuncOp>(dlc::createPadInPlace());
  bufferization::OneShotBufferizationOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.setFunctionBoundaryTypeConversion(
      bufferization::LayoutMapOption::IdentityLayoutMap);
  bufferize.memCpyFn = copyWithLinalg;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // @train_step's updated parameters and state are its arguments
  // (dlc-update-in-place): the runtime's buffers, updated in place.
  pm.addPass(bufferization::createDropEquivalentBufferResultsPass());
  // Outputs become caller-allocated arguments: the runtime owns them.
  bufferization::BufferResultsToOutParamsOpts outParams;
  outParams.memCpyFn = copyWithLinalg;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  // The independent tiles of a layer (scf.forall) go to the runtime's
  // threads, each part with its own scratch.
  pm.addPass(dlc::createOutlineParallelLoops());
  // Intermediates live in the caller's workspace, a part's tiles in its
  // scratch; what is left (none in the zoo) is freed by the deallocation
  // pipeline.
  pm.addPass(dlc::createPlanWorkspace());
  bufferization::BufferDeallocationPipelineOptions dealloc;
  bufferization::buildBufferDeallocationPipeline(pm, dealloc);
  pm.addPass(createCanonicalizerPass());
  // Identical views merge, so copies of a view onto itself fold away and the
  // accumulators of register blocks can leave their reduction loops.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createLoopInvariantCodeMotionPass());
  pm.addNestedPass<func::FuncOp>(dlc::createHoistAccumulators());
  pm.addNestedPass<func::FuncOp>(dlc::createPrefetchWeights());
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
  pm.addPass(dlc::createLowerParallelCalls());
  pm.addPass(createCanonicalizerPass());
  return success();
}

LogicalResult dlc::buildCPUPipeline(OpPassManager &pm,
                                    const PipelineOptions &options,
                                    std::string &error) {
  buildDLToLinalgPipeline(pm, options);
  return buildLinalgToCPUPipeline(pm, options, error);
}

/// A pipeline of dlc-opt taking PipelineOptions; a builder's failure (an
/// unknown CPU) is reported as an option error.
static void registerPipeline(
    StringRef name, StringRef description,
    std::function<LogicalResult(OpPassManager &, const dlc::PipelineOptions &,
                                std::string &)>
        build) {
  registerPassPipeline(
      name, description,
      [build](OpPassManager &pm, StringRef text,
              function_ref<LogicalResult(const Twine &)> errorHandler) {
        dlc::PipelineOptions options;
        if (failed(options.parseFromString(text)))
          return failure();
        std::string error;
        if (failed(build(pm, options, error)))
          return errorHandler(error);
        return success();
      },
      [](function_ref<void(const detail::PassOptions &)> handler) {
        handler(dlc::PipelineOptions());
      });
}

void dlc::registerDLCPipelines() {
  registerPipeline(
      "dlc-to-linalg-pipeline", "dl to linalg on tensors (target-independent)",
      [](OpPassManager &pm, const PipelineOptions &options, std::string &) {
        buildDLToLinalgPipeline(pm, options);
        return success();
      });
  registerPipeline("dlc-linalg-to-cpu-pipeline",
                   "linalg on tensors to the LLVM dialect (CPU)",
                   buildLinalgToCPUPipeline);
  registerPipeline("dlc-cpu-pipeline",
                   "dl to the LLVM dialect for the CPU: what dlc runs before "
                   "translating to LLVM IR (dlc --emit=llvm-dialect)",
                   buildCPUPipeline);
}

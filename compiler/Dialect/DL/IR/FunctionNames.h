//===- FunctionNames.h - The functions of a dl module ----------*- C++ -*-===//
//
// The frontend writes @forward and @loss, dl-generate-train-step turns
// @loss into @train_step, and the descriptor's entry points call the
// lowered @forward and @train_step: every stage names them through these.
// Light on purpose: the CPU code generation passes use it too.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECT_DL_IR_FUNCTIONNAMES_H
#define DLC_DIALECT_DL_IR_FUNCTIONNAMES_H

#include "llvm/ADT/StringRef.h"

namespace mlir::dl {

/// Inference: inputs and parameters to outputs.
inline constexpr llvm::StringLiteral kForwardFunc = "forward";
/// Training mode (private): inputs, targets and parameters to the loss.
inline constexpr llvm::StringLiteral kLossFunc = "loss";
/// Tensors derived from parameters only, for @forward (dl-outline-prepare).
inline constexpr llvm::StringLiteral kPrepareFunc = "prepare";
/// One optimizer step, generated from @loss.
inline constexpr llvm::StringLiteral kTrainStepFunc = "train_step";
/// The bytes of workspace the entry points need for a batch, from
/// dlc-plan-workspace.
inline constexpr llvm::StringLiteral kWorkspaceSizeFunc = "workspace_size";
/// The argument attribute of the entry points' workspace (a memref<?xi8>),
/// added by dlc-plan-workspace.
inline constexpr llvm::StringLiteral kWorkspaceAttr = "dl.workspace";
/// The LLVM function attribute that dlc-outline-kernels gives a kernel:
/// the comma-separated positions of its pointer parameters that alias no
/// other; the translation to LLVM IR makes them `noalias` parameters.
inline constexpr llvm::StringLiteral kNoaliasParamsAttr = "dlc-noalias-params";

/// The argument attribute of the entry points' `!llvm.ptr` to the
/// runtime's dlc_parallel (abi.h), added by dlc-outline-parallel-loops.
inline constexpr llvm::StringLiteral kParallelAttr = "dl.parallel";
/// On the declaration that dlc-outline-parallel-loops calls in place of a
/// parallel loop: the symbol of the part function that runs its iterations.
/// Part functions carry it too (a unit attribute).
inline constexpr llvm::StringLiteral kParallelPartAttr = "dl.parallel_part";
/// The module attribute (i64) of the bytes of scratch that each part of a
/// parallel loop needs, from dlc-plan-workspace.
inline constexpr llvm::StringLiteral kScratchSizeAttr = "dl.scratch_size";

} // namespace mlir::dl

#endif // DLC_DIALECT_DL_IR_FUNCTIONNAMES_H

//===- DLOps.h - The dl dialect and its ops ----------------------*- C++ -*-===//

#ifndef DLC_DIALECT_DL_IR_DLOPS_H
#define DLC_DIALECT_DL_IR_DLOPS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "compiler/Dialect/DL/IR/FunctionNames.h"

namespace mlir::dl {
class GradientBuilder;
} // namespace mlir::dl

#include "compiler/Dialect/DL/IR/DLInterfaces.h.inc"
#include "compiler/Dialect/DL/IR/DLOpsDialect.h.inc"

#define GET_OP_CLASSES
#include "compiler/Dialect/DL/IR/DLOps.h.inc"

namespace mlir::dl {

/// Output size of a convolution or pooling window along one dimension
/// (PyTorch's floor rule); <= 0 means the window does not fit.
int64_t windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                         int64_t pad, int64_t dilation = 1);

/// Output size of a transposed convolution along one dimension.
int64_t transposedOutputSize(int64_t in, int64_t kernel, int64_t stride,
                             int64_t pad);

/// The state torch.optim keeps per trainable parameter for the module's
/// dl.optimizer: {"momentum_buffer"} for SGD with momentum, none without,
/// {"exp_avg", "exp_avg_sq"} for Adam and AdamW.
SmallVector<StringRef> optimizerStateNames(DictionaryAttr optimizer);

} // namespace mlir::dl

#endif // DLC_DIALECT_DL_IR_DLOPS_H

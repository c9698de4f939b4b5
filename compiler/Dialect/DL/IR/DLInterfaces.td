//===- DLInterfaces.td - Interfaces of dl ops -------------*- tablegen -*-===//
//
// GradientOpInterface: an op's backward rule, so that the autodiff pass
// (dl-generate-train-step) asks each op for its gradients instead of
// knowing every op.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECT_DL_IR_DLINTERFACES_TD
#define DLC_DIALECT_DL_IR_DLINTERFACES_TD

include "mlir/IR/OpBase.td"

def DL_GradientOpInterface : OpInterface<"GradientOpInterface"> {
  let cppNamespace = "::mlir::dl";
  let description = [{
    An op that reverse-mode differentiation can go through. Given the
    gradients of its results, the op emits the ops computing the gradients
    of those of its operands that want one, following PyTorch's autograd
    formulas. The rules live in DLGradients.cpp; the ops they emit are the
    backward ops of DLTrainOps.td.
  }];
  let methods = [
    InterfaceMethod<[{
        Emits, at the builder's insertion point, the gradient of each operand
        for which `g.needs(operand)` holds, and records it with `g.set`.
        `g.grad(i)` is the gradient of result i (null when it has none).
        Fails with a diagnostic when the op cannot be differentiated as it
        is used.
      }],
      "::mlir::LogicalResult", "emitGradients",
      (ins "::mlir::dl::GradientBuilder &":$g)>
  ];
}

#endif // DLC_DIALECT_DL_IR_DLINTERFACES_TD

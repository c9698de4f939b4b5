//===- GradientBuilder.h - What a backward rule works with -----*- C++ -*-===//
//
// The argument of GradientOpInterface::emitGradients: the gradients of the
// op's results, which operands want a gradient, and where the rule records
// the ones it computes.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECT_DL_IR_GRADIENTBUILDER_H
#define DLC_DIALECT_DL_IR_GRADIENTBUILDER_H

#include "mlir/IR/Builders.h"

namespace mlir::dl {

class GradientBuilder {
public:
  /// `needed[i]` says whether operand i wants a gradient; `operandGrads`
  /// receives one entry per operand (null where there is none).
  GradientBuilder(Operation *op, ArrayRef<Value> resultGrads,
                  ArrayRef<bool> needed, OpBuilder &builder,
                  SmallVectorImpl<Value> &operandGrads)
      : op(op), resultGrads(resultGrads), needed(needed), b(builder),
        operandGrads(operandGrads) {
    operandGrads.assign(op->getNumOperands(), Value());
  }

  /// The gradient of result `i`, or null when it has none.
  Value grad(unsigned i = 0) const {
    return i < resultGrads.size() ? resultGrads[i] : Value();
  }

  /// Whether some use of `operand` by the op wants a gradient.
  bool needs(Value operand) const {
    for (OpOperand &use : op->getOpOperands())
      if (use.get() == operand && needed[use.getOperandNumber()])
        return true;
    return false;
  }

  /// Records `grad` as the gradient of `operand`. An operand used twice
  /// (`x * x`) gets it once: the rule passes the sum of both parts.
  void set(Value operand, Value grad) {
    for (OpOperand &use : op->getOpOperands())
      if (use.get() == operand && needed[use.getOperandNumber()]) {
        operandGrads[use.getOperandNumber()] = grad;
        return;
      }
  }

  /// An op at the insertion point, located at the differentiated op.
  template <typename OpTy, typename... Args> Value create(Args &&...args) {
    return b.create<OpTy>(op->getLoc(), std::forward<Args>(args)...)
        .getResult();
  }

  /// A rank-0 f32 constant.
  Value scalar(float v);

  OpBuilder &builder() { return b; }

private:
  Operation *op;
  ArrayRef<Value> resultGrads;
  ArrayRef<bool> needed;
  OpBuilder &b;
  SmallVectorImpl<Value> &operandGrads;
};

} // namespace mlir::dl

#endif // DLC_DIALECT_DL_IR_GRADIENTBUILDER_H

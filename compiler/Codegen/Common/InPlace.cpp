//===- InPlace.cpp - Elementwise ops that update an input in place --------===//

#include "compiler/Codegen/Common/InPlace.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;

bool dlc::isElementwise(linalg::LinalgOp op) {
  return op.getNumLoops() == op.getNumParallelLoops() &&
         llvm::all_of(op.getIndexingMapsArray(), [](AffineMap m) {
           return m.isProjectedPermutation();
         });
}

bool dlc::canWriteInto(linalg::GenericOp op, OpOperand *input,
                       unsigned result) {
  OpOperand *init = op.getDpsInitOperand(result);
  return op.hasPureTensorSemantics() && isElementwise(op) &&
         op.isDpsInput(input) &&
         input->get().getType() == init->get().getType() &&
         op.getMatchingIndexingMap(input) == op.getMatchingIndexingMap(init) &&
         !op.payloadUsesValueFromOperand(init);
}

linalg::GenericOp dlc::writeInto(RewriterBase &b, linalg::GenericOp op,
                                 OpOperand *input, unsigned result) {
  SmallVector<Value> inputs, inits = op.getDpsInits();
  SmallVector<AffineMap> maps;
  for (OpOperand *other : op.getDpsInputOperands())
    if (other != input) {
      inputs.push_back(other->get());
      maps.push_back(op.getMatchingIndexingMap(other));
    }
  for (OpOperand &init : op.getDpsInitsMutable())
    maps.push_back(op.getMatchingIndexingMap(&init));
  inits[result] = input->get();
  b.setInsertionPoint(op);
  auto updated = b.create<linalg::GenericOp>(op.getLoc(), op->getResultTypes(),
                                             inputs, inits, maps,
                                             op.getIteratorTypesArray());
  updated->setDiscardableAttrs(op->getDiscardableAttrDictionary());
  updated.getRegion().takeBody(op.getRegion());
  // Block arguments: the inputs, then the outputs.
  Block &body = updated.getRegion().front();
  unsigned index = input->getOperandNumber();
  body.getArgument(index).replaceAllUsesWith(
      body.getArgument(op.getNumDpsInputs() + result));
  body.eraseArgument(index);
  b.replaceOp(op, updated->getResults());
  return updated;
}

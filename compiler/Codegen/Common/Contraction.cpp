//===- Contraction.cpp - Matrix products in any linalg form ---------------===//

#include "compiler/Codegen/Common/Contraction.h"

using namespace mlir;

bool dlc::isRowMajorMatmul(linalg::LinalgOp op) {
  unsigned rank = op.getNumLoops();
  if (rank < 3 || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !linalg::isaContractionOpInterface(op))
    return false;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned i = 0; i < rank; ++i)
    if (iterators[i] != (i + 1 < rank ? utils::IteratorType::parallel
                                      : utils::IteratorType::reduction))
      return false;
  MLIRContext *ctx = op.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> b = {d(rank - 1)}, c = {d(0)};
  for (unsigned i = 1; i + 1 < rank; ++i) {
    b.push_back(d(i));
    c.push_back(d(i));
  }
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  return maps[0] == AffineMap::get(rank, 0, {d(0), d(rank - 1)}, ctx) &&
         maps[1] == AffineMap::get(rank, 0, b, ctx) &&
         maps[2] == AffineMap::get(rank, 0, c, ctx);
}

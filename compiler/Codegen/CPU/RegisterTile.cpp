//===- RegisterTile.cpp - Register blocks of the CPU contractions ---------===//

#include "compiler/Codegen/CPU/RegisterTile.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"

using namespace mlir;

dlc::RegisterTile dlc::chooseRegisterTile(int64_t channels, int64_t pixels,
                                          int64_t lanes, bool contraction) {
  // 32 vector registers (AVX-512) hold 8 x 2 accumulators and still a
  // contraction's operands; 16 (AVX2) hold 4 x 2. A direct convolution's
  // blocks stay at 4 channels, and so do a weight gradient's (measured: U-Net
  // is 7 % and ResNet-18's training step 5 % slower with 8).
  int64_t most = contraction && lanes >= 16 ? 8 : 4;
  int64_t f = channels % most == 0 ? most
              : channels % 4 == 0  ? 4
              : channels % 2 == 0  ? 2
                                   : 0;
  int64_t p = pixels % (2 * lanes) == 0 ? 2 * lanes
              : pixels % lanes == 0     ? lanes
                                        : 0;
  if (!f || !p)
    return {};
  return {f, p};
}

Value dlc::blockRegisters(RewriterBase &b, linalg::GenericOp op,
                          ArrayRef<int64_t> sizes,
                          ArrayRef<int64_t> interchange) {
  scf::SCFTilingOptions options;
  options.setTileSizes(getAsIndexOpFoldResult(b.getContext(), sizes));
  options.setInterchange(interchange);
  b.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled =
      scf::tileUsingSCF(b, cast<TilingInterface>(op.getOperation()), options);
  if (failed(tiled))
    return op.getResult(0);
  b.replaceOp(op, tiled->replacements);
  for (Operation *tile : tiled->tiledOps)
    (void)linalg::vectorize(b, tile);
  b.setInsertionPointAfterValue(tiled->replacements.front());
  return tiled->replacements.front();
}

//===- RegisterTile.cpp - Register blocks of the CPU contractions ---------===//

#include "compiler/Codegen/CPU/RegisterTile.h"

dlc::RegisterTile dlc::chooseRegisterTile(int64_t channels, int64_t pixels,
                                          int64_t lanes) {
  int64_t f = channels % 4 == 0 ? 4 : channels % 2 == 0 ? 2 : 0;
  int64_t p = pixels % (2 * lanes) == 0 ? 2 * lanes
              : pixels % lanes == 0     ? lanes
                                        : 0;
  if (!f || !p)
    return {};
  return {f, p};
}

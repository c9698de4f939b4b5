//===- classify.cpp - An application that links the dlc runtime -----------===//
//
//   classify MODEL.so IMAGE.npy [WEIGHTS.safetensors]
//
// Loads a compiled classifier, runs it on the images in IMAGE.npy (a batch
// [N, ...] in the model's input shape) and prints, for each image, the most
// likely class and its probability (softmax of the first output).
//
//===----------------------------------------------------------------------===//

#include <dlrt/dlrt.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

int main(int argc, char **argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: %s MODEL.so IMAGE.npy [WEIGHTS.safetensors]\n",
                 argv[0]);
    return 1;
  }
  try {
    dlrt::Model model = dlrt::Model::open(argv[1]);
    if (argc == 4)
      model.load(argv[3]);
    dlrt::Arrays images = dlrt::Arrays::readNpy(argv[2]);
    int64_t batch = images[0].shape[0];
    std::vector<float> logits = model.forward(batch, {images[0].data})[0];
    int64_t classes = logits.size() / batch;
    for (int64_t n = 0; n < batch; ++n) {
      const float *row = logits.data() + n * classes;
      float top = *std::max_element(row, row + classes), sum = 0;
      for (int64_t k = 0; k < classes; ++k)
        sum += std::exp(row[k] - top);
      int64_t best = std::max_element(row, row + classes) - row;
      std::printf("image %lld: class %lld (p = %.3f)\n", (long long)n,
                  (long long)best, 1.0 / sum);
    }
  } catch (const dlrt::Error &e) {
    std::fprintf(stderr, "classify: %s\n", e.what());
    return 1;
  }
  return 0;
}

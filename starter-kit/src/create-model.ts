import type * as tf from "@tensorflow/tfjs";
import { ATTRIBUTES, CLASSES, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH } from "./platform";

/**
 * A small multitask CNN: a shared convolutional trunk and one softmax head per attribute, each
 * head a layer named after its attribute ("Gender", "Hair_Color", "Hair_Type") so manifest.json
 * can point at the outputs by name. Four blocks of 3x3 convolution, batch norm and ReLU; the first
 * convolution has stride 2 and every block but the last ends in a 2x2 max pool, so the feature
 * maps shrink 108x84 -> 54x42 -> 27x21 -> 13x10 -> 6x5. About 17 MFLOP per image: quick to train
 * on one CPU core. Wider or deeper trunks are the obvious first experiment.
 *
 * Only built-in tfjs layers: the platform refuses models with custom layers.
 */
export function createModel(options: { tf: typeof tf; channels?: number[]; denseUnits?: number; seed?: number }): tf.LayersModel {
  const { tf } = options;
  const channels = options.channels ?? [16, 32, 64, 128];
  let seed = options.seed ?? 1;
  const init = () => tf.initializers.heNormal({ seed: seed++ });

  const input = tf.input({ shape: [IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS], name: "image" });
  let h = input;
  channels.forEach((filters, i) => {
    h = tf.layers
      .conv2d({
        filters,
        kernelSize: 3,
        strides: i === 0 ? 2 : 1,
        padding: "same",
        useBias: false,
        kernelInitializer: init(),
        name: `conv${i + 1}`,
      })
      .apply(h) as tf.SymbolicTensor;
    // Momentum 0.9 rather than Keras's 0.99: the moving statistics the saved model predicts with
    // must settle within the few hundred steps of a short run.
    h = tf.layers.batchNormalization({ momentum: 0.9, name: `bn${i + 1}` }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.reLU({ name: `relu${i + 1}` }).apply(h) as tf.SymbolicTensor;
    if (i < channels.length - 1) h = tf.layers.maxPooling2d({ poolSize: 2, name: `pool${i + 1}` }).apply(h) as tf.SymbolicTensor;
  });
  h = tf.layers.globalAveragePooling2d({ name: "pool" }).apply(h) as tf.SymbolicTensor;
  h = tf.layers
    .dense({ units: options.denseUnits ?? 64, activation: "relu", kernelInitializer: init(), name: "shared" })
    .apply(h) as tf.SymbolicTensor;
  h = tf.layers.dropout({ rate: 0.25, name: "dropout" }).apply(h) as tf.SymbolicTensor;
  const outputs = ATTRIBUTES.map(
    (attr) =>
      tf.layers
        .dense({
          units: CLASSES[attr].length,
          activation: "softmax",
          kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }),
          name: attr,
        })
        .apply(h) as tf.SymbolicTensor,
  );
  return tf.model({ inputs: input, outputs, name: "starter_cnn" });
}

import * as tf from '@tensorflow/tfjs-core';

/** Mean softmax cross-entropy of `[batch, classes]` logits against int32 class labels `[batch]`. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1]);
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
  });
}

/** Number of rows whose arg-max logit equals the label. */
export function correctCount(logits: tf.Tensor2D, labels: tf.Tensor1D): number {
  return tf.tidy(
    () => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(labels, 'int32')), 'int32')).dataSync()[0],
  );
}

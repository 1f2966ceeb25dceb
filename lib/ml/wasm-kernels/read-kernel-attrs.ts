import type * as tf from "@tensorflow/tfjs";

/**
 * A kernel's (or a gradient's) attributes as the shape that kernel is registered with, e.g.
 * `readKernelAttrs<tf.MaxPoolGradAttrs>(args.attrs)`. tfjs hands every kernel the same untyped
 * `NamedAttrMap` (a string index of attribute values) and declares each kernel's own attributes
 * as an interface (`tf.Conv2DBackpropFilterAttrs`, ...), and TypeScript does not convert an
 * index-signature map to an interface. The kernel name fixes which attributes tfjs passes, so
 * this one cast stands for that contract instead of a cast in every kernel.
 */
export function readKernelAttrs<T extends object>(attrs: tf.NamedAttrMap | undefined): T {
  return attrs as unknown as T;
}

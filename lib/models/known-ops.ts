/**
 * The operators and classes a submitted model may use. Models are data, but a custom layer or
 * op would need participant code to run, so anything outside these built-in sets is refused at
 * upload with its name. The lists are static (no tfjs import in the web server); `known-ops.test.ts`
 * compares the tfjs ones with the installed tfjs registry so an upgrade cannot drift silently.
 */

/** Classes registered by @tensorflow/tfjs-layers 4.22 (`serialization.SerializationMap`). */
export const TFJS_LAYERS_CLASSES: ReadonlySet<string> = new Set(
  (
    "Activation Adadelta Adagrad Adam Adamax Add AlphaDropout Average AveragePooling1D AveragePooling2D " +
    "AveragePooling3D BatchNormalization Bidirectional CategoryEncoding CenterCrop Concatenate Constant Conv1D " +
    "Conv2D Conv2DTranspose Conv3D Conv3DTranspose ConvLSTM2D ConvLSTM2DCell Cropping2D Dense DepthwiseConv2D Dot " +
    "Dropout ELU Embedding Flatten Functional GRU GRUCell GaussianDropout GaussianNoise GlobalAveragePooling1D " +
    "GlobalAveragePooling2D GlobalMaxPooling1D GlobalMaxPooling2D GlorotNormal GlorotUniform HeNormal HeUniform " +
    "Identity InputLayer L1L2 LSTM LSTMCell LayerNormalization LeCunNormal LeCunUniform LeakyReLU Masking MaxNorm " +
    "MaxPooling1D MaxPooling2D MaxPooling3D Maximum MinMaxNorm Minimum Model Momentum Multiply NonNeg Ones " +
    "Orthogonal PReLU Permute RMSProp RNN RandomNormal RandomUniform RandomWidth ReLU RepeatVector Rescaling " +
    "Reshape Resizing SGD SeparableConv2D Sequential SimpleRNN SimpleRNNCell Softmax SpatialDropout1D " +
    "StackedRNNCells ThresholdedReLU TimeDistributed TruncatedNormal UnitNorm UpSampling2D VarianceScaling " +
    "ZeroPadding2D Zeros elu gelu gelu_new hardSigmoid linear logSoftmax mish relu relu6 selu sigmoid softmax " +
    "softplus softsign swish tanh"
  ).split(" "),
);

/**
 * TensorFlow ops that @tensorflow/tfjs-converter 4.22 maps (its `op_list/*`), minus the
 * TF-Decision-Forests ops (`SimpleML*`), which load a model from a file path and need an extra
 * package we do not ship.
 */
export const TFJS_GRAPH_OPS: ReadonlySet<string> = new Set(
  (
    "Abs Acos Acosh Add AddN AddV2 All Any ArgMax ArgMin Asin Asinh Atan Atan2 Atanh AvgPool AvgPool3D BatchMatMul " +
    "BatchMatMulV2 BatchToSpaceND BiasAdd Bincount BitwiseAnd BroadcastArgs BroadcastTo Cast Ceil ClipByValue " +
    "Complex ComplexAbs Concat ConcatV2 Const Conv1D Conv2D Conv2DBackpropInput Conv3D Cos Cosh CropAndResize " +
    "Cumprod Cumsum DenseBincount DepthToSpace DepthwiseConv2d DepthwiseConv2dNative Dilation2D Div DivNoNan " +
    "Einsum Elu EmptyTensorList EnsureShape Enter Equal Erf EuclideanNorm Exit Exp ExpandDims Expm1 FFT " +
    "FakeQuantWithMinMaxVars Fill Floor FloorDiv FloorMod FusedBatchNorm FusedBatchNormV2 FusedBatchNormV3 " +
    "FusedDepthwiseConv2dNative Gather GatherNd GatherV2 Greater GreaterEqual HashTable HashTableV2 IFFT IRFFT " +
    "Identity IdentityN If Imag ImageProjectiveTransformV3 InitializeTable InitializeTableV2 IsFinite IsInf IsNan " +
    "LRN LeakyRelu Less LessEqual LinSpace ListDiff Log Log1p LogSoftmax LogicalAnd LogicalNot LogicalOr " +
    "LookupTableFind LookupTableFindV2 LookupTableImport LookupTableImportV2 LookupTableSize LookupTableSizeV2 " +
    "LoopCond LowerBound MatMul MatrixBandPart Max MaxPool MaxPool3D MaxPoolWithArgmax Maximum Mean Merge Min " +
    "Minimum MirrorPad Mod Mul Multinomial Neg NextIteration NoOp NonMaxSuppressionV2 NonMaxSuppressionV3 " +
    "NonMaxSuppressionV4 NonMaxSuppressionV5 NotEqual OneHot Ones OnesLike Pack Pad PadV2 Placeholder " +
    "PlaceholderWithDefault Pow Prelu Print Prod RFFT RaggedGather RaggedRange RaggedTensorToTensor " +
    "RandomStandardNormal RandomUniform RandomUniformInt Range Rank Real RealDiv Reciprocal Relu Relu6 Reshape " +
    "ResizeBilinear ResizeNearestNeighbor Reverse ReverseV2 Round Rsqrt ScatterNd Select SelectV2 Selu Shape " +
    "ShapeN Sigmoid Sign Sin Sinh Size Slice Snapshot Softmax Softplus SpaceToBatchND SparseFillEmptyRows " +
    "SparseReshape SparseSegmentMean SparseSegmentSum SparseToDense Split SplitV Sqrt Square SquaredDifference " +
    "Squeeze StatelessIf StatelessWhile StaticRegexReplace StopGradient StridedSlice StringNGrams StringSplit " +
    "StringToHashBucketFast Sub Sum Switch Tan Tanh TensorArrayCloseV3 TensorArrayConcatV3 TensorArrayGatherV3 " +
    "TensorArrayReadV3 TensorArrayScatterV3 TensorArraySizeV3 TensorArraySplitV3 TensorArrayV3 " +
    "TensorArrayWriteV3 TensorListConcat TensorListConcatV2 TensorListFromTensor TensorListGather " +
    "TensorListGetItem TensorListLength TensorListPopBack TensorListPushBack TensorListReserve TensorListResize " +
    "TensorListScatter TensorListScatterV2 TensorListSetItem TensorListSplit TensorListStack TensorScatterUpdate " +
    "Tile TopKV2 Transpose TruncatedNormal Unique UniqueV2 Unpack UpperBound Where While Zeros ZerosLike " +
    "_FusedConv2D _FusedMatMul"
  ).split(" "),
);

/**
 * ONNX domains onnxruntime's CPU build implements. `com.microsoft` holds onnxruntime's own
 * contrib ops (graph optimisers and some exporters emit them); any other domain is a custom op
 * library we will not load.
 */
export const ONNX_ALLOWED_DOMAINS: ReadonlySet<string> = new Set(["", "ai.onnx", "ai.onnx.ml", "com.microsoft"]);

/** Operators of the default `ai.onnx` domain up to opset 24. */
export const ONNX_DEFAULT_DOMAIN_OPS: ReadonlySet<string> = new Set(
  (
    "Abs Acos Acosh Add AffineGrid And ArgMax ArgMin Asin Asinh Atan Atanh Attention AveragePool " +
    "BatchNormalization Bernoulli BitShift BitwiseAnd BitwiseNot BitwiseOr BitwiseXor BlackmanWindow Cast " +
    "CastLike Ceil Celu CenterCropPad Clip Col2Im Compress Concat ConcatFromSequence Constant ConstantOfShape Conv " +
    "ConvInteger ConvTranspose Cos Cosh CumSum DFT DeformConv DepthToSpace DequantizeLinear Det Div Dropout " +
    "DynamicQuantizeLinear Einsum Elu Equal Erf Exp Expand EyeLike Flatten Floor GRU Gather GatherElements " +
    "GatherND Gelu Gemm GlobalAveragePool GlobalLpPool GlobalMaxPool Greater GreaterOrEqual GridSample " +
    "GroupNormalization HammingWindow HannWindow HardSigmoid HardSwish Hardmax Identity If ImageDecoder " +
    "InstanceNormalization IsInf IsNaN LRN LSTM LayerNormalization LeakyRelu Less LessOrEqual Log LogSoftmax Loop " +
    "LpNormalization LpPool MatMul MatMulInteger Max MaxPool MaxRoiPool MaxUnpool Mean MeanVarianceNormalization " +
    "MelWeightMatrix Min Mish Mod Mul Multinomial Neg NegativeLogLikelihoodLoss NonMaxSuppression NonZero Not " +
    "OneHot Optional OptionalGetElement OptionalHasElement Or PRelu Pad Pow QLinearConv QLinearMatMul " +
    "QuantizeLinear RMSNormalization RNN RandomNormal RandomNormalLike RandomUniform RandomUniformLike Range " +
    "Reciprocal ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp ReduceMax ReduceMean ReduceMin ReduceProd " +
    "ReduceSum ReduceSumSquare RegexFullMatch Relu Reshape Resize ReverseSequence RoiAlign RotaryEmbedding Round " +
    "STFT Scan Scatter ScatterElements ScatterND Selu SequenceAt SequenceConstruct SequenceEmpty SequenceErase " +
    "SequenceInsert SequenceLength SequenceMap Shape Shrink Sigmoid Sign Sin Sinh Size Slice Softmax " +
    "SoftmaxCrossEntropyLoss Softplus Softsign SpaceToDepth Split SplitToSequence Sqrt Squeeze StringConcat " +
    "StringNormalizer StringSplit Sub Sum Swish Tan Tanh TensorScatter TfIdfVectorizer ThresholdedRelu Tile TopK " +
    "Transpose Trilu Unique Unsqueeze Upsample Where Xor"
  ).split(" "),
);

/** Operators of `ai.onnx.ml` (scikit-learn style models exported with skl2onnx). */
export const ONNX_ML_DOMAIN_OPS: ReadonlySet<string> = new Set(
  (
    "ArrayFeatureExtractor Binarizer CastMap CategoryMapper DictVectorizer FeatureVectorizer Imputer LabelEncoder " +
    "LinearClassifier LinearRegressor Normalizer OneHotEncoder SVMClassifier SVMRegressor Scaler TreeEnsemble " +
    "TreeEnsembleClassifier TreeEnsembleRegressor ZipMap"
  ).split(" "),
);

/**
 * Evaluation harness: MCD with DTW, F0 RMSE and voicing error, speaking-rate ratio, WER from pocketsphinx in
 * grammar mode. Entry point: {@link dev.voxpipe.eval.EvaluationHarness}; see the module README for calibration.
 */
package dev.voxpipe.eval;

/**
 * Training a small classifier from scratch, reproducibly: {@link io.pixelgrad.zoo.train.Trainer} runs epochs with the
 * settings of {@link io.pixelgrad.zoo.train.TrainingOptions}, reports {@link io.pixelgrad.zoo.train.EpochStats} and
 * first-layer {@link io.pixelgrad.zoo.train.Snapshot}s, and writes a {@link io.pixelgrad.zoo.train.Checkpoint} a run
 * resumes from bit for bit; {@link io.pixelgrad.zoo.train.Evaluation} measures a model on a test set. Supported API.
 */
package io.pixelgrad.zoo.train;

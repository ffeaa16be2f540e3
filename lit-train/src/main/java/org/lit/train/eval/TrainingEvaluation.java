package org.lit.train.eval;

import com.typesafe.config.Config;
import org.lit.core.config.ModelConfig;
import org.lit.train.MetricsLog;
import org.lit.train.TrainConfig;
import org.lit.train.Worker;
import org.lit.train.data.TrainingData;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;

/**
 * What the trainer runs on its EMA weights as it goes. Every rank calls it after every optimizer
 * step with the same step and weights, so an evaluation may split work over the ranks and
 * all-reduce it; rank 0 passes the run's metrics log, the others null.
 */
public interface TrainingEvaluation {
    TrainingEvaluation OFF = (step, emaWeights, metrics) -> {
    };

    void afterStep(long step, INDArray emaWeights, MetricsLog metrics) throws IOException;

    /**
     * The evaluation train.eval asks for (OFF when train.eval.every = 0), ready to run: its reference
     * statistics read and its Inception network loaded, so that a bad file fails now, before training.
     */
    static TrainingEvaluation open(Config config, TrainConfig train, ModelConfig model, TrainingData data, Worker worker, String run) {
        EvalConfig eval = EvalConfig.from(config);
        return eval.enabled() ? new FidDuringTraining(eval, train, model, data, worker, run) : OFF;
    }

    /** The same checks on the driver, before the job starts: the keys, the reference, the Inception weights, the VAE. */
    static void validate(Config config, TrainingData data) {
        EvalConfig eval = EvalConfig.from(config);
        if (eval.enabled()) FidDuringTraining.check(eval, data);
    }
}

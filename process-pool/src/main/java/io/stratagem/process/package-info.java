/**
 * The process-pool backend: worker JVMs over pipes ({@link io.stratagem.process.ProcessPoolStrategy}).
 */
package io.stratagem.process;

/**
 * Reports of jamfit's run folders: report.html per run (run-report.ts), summary.html per survey
 * (survey-page.ts), and the one call a finished fit makes for its artifacts.
 */
import { writePosteriorNc } from '../data/netcdf/posterior.ts';
import { writeRunReport } from './run-report.ts';

export { writeRunReport, runReportHtml, parseFitLog, REPORT_HTML, type FitLogInfo } from './run-report.ts';
export { writeSurveyPage, surveyPageHtml, SURVEY_HTML } from './survey-page.ts';
export { writeValidateReport, validateReportHtml, VALIDATE_REPORT_HTML } from './validate-report.ts';

/**
 * Writes posterior.nc (ArviZ InferenceData) and report.html into a finished run folder (one that
 * holds summary.json and chain.npy); posterior.nc first, so that the report lists it.
 * Asynchronous because HDF5 runs in a worker thread (src/data/netcdf/writer.ts).
 * @returns the paths written.
 * @throws InputError (one line naming the file) when the folder is not a finished run.
 */
export async function writeRunArtifacts(runDir: string): Promise<string[]> {
  const nc = await writePosteriorNc(runDir);
  return [nc, writeRunReport(runDir)];
}

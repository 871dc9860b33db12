/** netCDF-4 (HDF5) files: the writer, the reader, the truncation check, and posterior.nc. */
export { writeNetcdf4, h5Request, type NcFile, type NcGroup, type NcVariable, type NcDimension, type NcAttrValue } from './writer.ts';
export { readNetcdf4, type NcReadFile, type NcReadGroup, type NcReadVariable } from './reader.ts';
export { checkHdf5File, lookup3, type SuperblockInfo } from './hdf5-check.ts';
export { writePosteriorNc, readPosteriorNc, fitCommand, POSTERIOR_NC, type PosteriorNc } from './posterior.ts';

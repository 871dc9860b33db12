/**
 * Reading a netCDF-4 file back (the groups writer.ts writes): each variable's dimension names (its
 * attached dimension scales), shape and values, and the group's attributes. The file is checked
 * first by hdf5-check.ts, so a truncated or foreign file is refused with one line (InputError)
 * before the HDF5 library sees it.
 */
import { InputError } from '../../../core/errors.ts';
import { checkHdf5File } from './hdf5-check.ts';
import { h5Request, type NcData } from './writer.ts';

export interface NcReadVariable {
  dims: string[];
  shape: number[];
  data: NcData;
}

export interface NcReadGroup {
  attrs: Record<string, unknown>;
  variables: Record<string, NcReadVariable>;
}

export interface NcReadFile {
  attrs: Record<string, unknown>;
  groups: Record<string, NcReadGroup>;
}

/**
 * Reads every group and variable of the netCDF-4 file at `path`.
 * @throws InputError (one line) for a truncated, corrupt or non-netCDF-4 file.
 */
export async function readNetcdf4(path: string): Promise<NcReadFile> {
  checkHdf5File(path);
  try {
    return (await h5Request({ op: 'read', path })).file as NcReadFile;
  } catch (e) {
    throw new InputError(path, `unreadable netCDF-4 content: ${String((e as Error).message ?? e).split('\n')[0]}`);
  }
}

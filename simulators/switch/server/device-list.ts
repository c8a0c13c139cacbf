/** The answer to GetSwitchingFunctionDevices: the device list cut into SwitchingFunctionDevices segments. */
import type { MessageOf } from '../../../appliance/csta/messages.js';
import type { DeviceSummary } from '../model/api.js';

export const DEFAULT_SEGMENT_SIZE = 50;

export type DeviceSegment = MessageOf<'SwitchingFunctionDevices'>;

/** Devices matching the request's filters (one device ID, one category); empty filters match all. */
export function selectDevices(devices: readonly DeviceSummary[], request: MessageOf<'GetSwitchingFunctionDevices'>): DeviceSummary[] {
  return devices.filter(
    (d) =>
      (request.requestedDeviceID === undefined || request.requestedDeviceID === '' || d.deviceID === request.requestedDeviceID) &&
      (request.requestedDeviceCategory === undefined || request.requestedDeviceCategory === '' || d.category === request.requestedDeviceCategory),
  );
}

/** At least one segment (an empty list still ends with lastSegment true); segment IDs count from 1. */
export function deviceSegments(devices: readonly DeviceSummary[], serviceCrossRefID: string, size = DEFAULT_SEGMENT_SIZE): DeviceSegment[] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`segment size must be a positive integer, got ${size}`);
  const segments: DeviceSegment[] = [];
  for (let start = 0; start === 0 || start < devices.length; start += size) {
    const slice = devices.slice(start, start + size);
    segments.push({
      type: 'SwitchingFunctionDevices',
      serviceCrossRefID,
      segmentID: segments.length + 1,
      lastSegment: start + size >= devices.length,
      deviceList: slice.map((d) => ({ deviceID: d.deviceID, deviceCategory: d.category })),
    });
  }
  return segments;
}

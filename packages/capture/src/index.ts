/**
 * @sightline/capture: packet captures for decoders. `readCapture` streams the packets of a pcap or pcapng
 * input in bounded memory (`CaptureCursor` steps through them without an object per packet); `decodeLink`,
 * `decodeIp`, `decodeUdp`, `decodeTcp` (and `udpOf` for the common case, `locateFrame` for hot paths) take them
 * apart, returning errors as values with a code. `IpReassembler` puts fragmented datagrams back together and
 * `TcpReassembler` turns TCP segments into ordered byte streams, both in bounded memory.
 */
import './error-codes.js';

export { CAPTURE_ERROR_CODES } from './error-codes.js';
export { readCapture, readCaptureBytes, sniffCapture } from './capture-reader.js';
export type { CaptureBatch, CaptureFormat, CaptureReaderOptions, CapturedPacket } from './capture-reader.js';
export { CaptureCursor } from './capture-cursor.js';
export { LINKTYPE, decodeIp, decodeLink, decodeTcp, decodeUdp, ipv4String, ipv6String, isLayerError, macString, udpOf } from './layers.js';
export type { IpPacket, LayerError, NetworkStart, TcpSegmentHeader, UdpDatagram, UdpPacket } from './layers.js';
export { pcapFile, pcapngFile, udpFrame } from './pcap-writer.js';
export type { PcapRecord, UdpFrameSpec } from './pcap-writer.js';
export { IpReassembler } from './ip-reassembly.js';
export type { IpReassemblyOptions, ReassembledIp } from './ip-reassembly.js';
export { TcpReassembler } from './tcp-reassembly.js';
export type { StreamConsumer, StreamEndReason, TcpDirection, TcpReassemblyOptions, TcpReassemblyStats } from './tcp-reassembly.js';
export { ipFragments, tcpFrame } from './frame-writer.js';
export type { TcpFrameSpec } from './frame-writer.js';
export { LOCATE_COMPLEX, LOCATE_NOT_IP, LOCATE_TRANSPORT, locateFrame, locatePacket, newPacketLocation } from './locate.js';
export type { PacketLocation } from './locate.js';

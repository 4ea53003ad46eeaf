// The peer a Node user would otherwise pick (../shared/reference/decoder-peers.md): pcap-parser reads the capture,
// the usual script takes Ethernet/IPv4/UDP port 53 apart by hand, dns-packet decodes the message, and one plain
// object is made per message. Prints what it did as JSON. Run by decode.bench.mjs in a child process.
import { createReadStream } from 'node:fs';
import dnsPacket from 'dns-packet';
import pcapParser from 'pcap-parser';

const file = process.argv[2];
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
let messages = 0;
let errors = 0;
let answers = 0;
const parser = pcapParser.parse(createReadStream(file, { highWaterMark: 1 << 20 }));
parser.on('packet', (packet) => {
  const d = packet.data;
  if (d.readUInt16BE(12) !== 0x0800) return;
  const ihl = (d[14] & 0x0f) * 4;
  if (d[23] !== 17) return;
  const u = 14 + ihl;
  const sport = d.readUInt16BE(u);
  const dport = d.readUInt16BE(u + 2);
  if (sport !== 53 && dport !== 53) return;
  try {
    const m = dnsPacket.decode(d.subarray(u + 8));
    const q = m.questions[0];
    const event = {
      time: packet.header.timestampSeconds * 1000 + Math.floor(packet.header.timestampMicroseconds / 1000),
      src: `${d[26]}.${d[27]}.${d[28]}.${d[29]}`,
      dst: `${d[30]}.${d[31]}.${d[32]}.${d[33]}`,
      sport,
      dport,
      id: m.id,
      response: m.type === 'response',
      rcode: m.rcode,
      qname: q?.name,
      qtype: q?.type,
      answers: m.answers.map((a) => ({ name: a.name, type: a.type, ttl: a.ttl, data: Array.isArray(a.data) ? a.data.map(String).join(' ') : a.data })),
      frame_len: packet.header.originalLength,
    };
    answers += event.answers.length;
    messages++;
  } catch {
    errors++;
  }
});
parser.on('end', () => {
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(JSON.stringify({ events: messages, issues: errors, answers, seconds, cpuSeconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
});

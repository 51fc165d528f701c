/** Varbinds the SNMP benchmark's traps carry (shared by the sender, the baseline receiver and the benchmark). */
/** The run's tag (OctetString): traps of one run are told from the others by it. */
export const VB_TAG = '1.3.6.1.4.1.99999.1.1';
/** Sequence number within the run (Integer). */
export const VB_SEQ = '1.3.6.1.4.1.99999.1.2';
/** Send time, epoch ms with µs as text (OctetString), from `performance.timeOrigin + performance.now()`. */
export const VB_SENT_AT = '1.3.6.1.4.1.99999.1.3';
/** Trap OID of trigger k (1..n): `<prefix>.k`. */
export const TRAP_OID_PREFIX = '1.3.6.1.4.1.99999.0';

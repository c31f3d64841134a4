// The Control service's unary methods and their message types, read off the generated service
// definition, so a client's call is typed by the method it names: `call('ListNodes', {...})`
// takes a ListNodesRequest and resolves to a ListNodesResponse__Output.

import type { MethodDefinition } from '@grpc/proto-loader';
import type { ControlDefinition } from './gen/shoal/control/v1/Control.js';

/** Control's streaming methods: not called with a request and a single answer. */
type StreamingMethod = 'ServiceLogs' | 'Pipeline';

/** A unary method of Control, by name. */
export type ControlMethod = Exclude<keyof ControlDefinition & string, StreamingMethod>;

/** The request message a Control method takes (as sent: numbers for 64-bit fields allowed). */
export type RequestOf<M extends ControlMethod> =
  ControlDefinition[M] extends MethodDefinition<infer Req, infer _Res, infer _ReqOut, infer _ResOut> ? Req : never;

/** The response message a Control method resolves to, as decoded (64-bit numbers as strings). */
export type ResponseOf<M extends ControlMethod> = ControlDefinition[M] extends MethodDefinition<infer _Req, infer _Res, infer _ReqOut, infer Res> ? Res : never;

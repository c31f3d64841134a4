import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { HealthCheck as _shoal_spec_v1_HealthCheck, HealthCheck__Output as _shoal_spec_v1_HealthCheck__Output } from './shoal/spec/v1/HealthCheck.js';
import type { HealthTest as _shoal_spec_v1_HealthTest, HealthTest__Output as _shoal_spec_v1_HealthTest__Output } from './shoal/spec/v1/HealthTest.js';
import type { Placement as _shoal_spec_v1_Placement, Placement__Output as _shoal_spec_v1_Placement__Output } from './shoal/spec/v1/Placement.js';
import type { PortList as _shoal_spec_v1_PortList, PortList__Output as _shoal_spec_v1_PortList__Output } from './shoal/spec/v1/PortList.js';
import type { PortSpec as _shoal_spec_v1_PortSpec, PortSpec__Output as _shoal_spec_v1_PortSpec__Output } from './shoal/spec/v1/PortSpec.js';
import type { ResourceAmounts as _shoal_spec_v1_ResourceAmounts, ResourceAmounts__Output as _shoal_spec_v1_ResourceAmounts__Output } from './shoal/spec/v1/ResourceAmounts.js';
import type { RestartPolicy as _shoal_spec_v1_RestartPolicy, RestartPolicy__Output as _shoal_spec_v1_RestartPolicy__Output } from './shoal/spec/v1/RestartPolicy.js';
import type { ServiceSpec as _shoal_spec_v1_ServiceSpec, ServiceSpec__Output as _shoal_spec_v1_ServiceSpec__Output } from './shoal/spec/v1/ServiceSpec.js';
import type { SpreadList as _shoal_spec_v1_SpreadList, SpreadList__Output as _shoal_spec_v1_SpreadList__Output } from './shoal/spec/v1/SpreadList.js';
import type { SpreadPreference as _shoal_spec_v1_SpreadPreference, SpreadPreference__Output as _shoal_spec_v1_SpreadPreference__Output } from './shoal/spec/v1/SpreadPreference.js';
import type { StringList as _shoal_spec_v1_StringList, StringList__Output as _shoal_spec_v1_StringList__Output } from './shoal/spec/v1/StringList.js';
import type { StringMap as _shoal_spec_v1_StringMap, StringMap__Output as _shoal_spec_v1_StringMap__Output } from './shoal/spec/v1/StringMap.js';
import type { TaskResources as _shoal_spec_v1_TaskResources, TaskResources__Output as _shoal_spec_v1_TaskResources__Output } from './shoal/spec/v1/TaskResources.js';
import type { TaskSpec as _shoal_spec_v1_TaskSpec, TaskSpec__Output as _shoal_spec_v1_TaskSpec__Output } from './shoal/spec/v1/TaskSpec.js';
import type { UpdateConfig as _shoal_spec_v1_UpdateConfig, UpdateConfig__Output as _shoal_spec_v1_UpdateConfig__Output } from './shoal/spec/v1/UpdateConfig.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  shoal: {
    spec: {
      v1: {
        HealthCheck: MessageTypeDefinition<_shoal_spec_v1_HealthCheck, _shoal_spec_v1_HealthCheck__Output>
        HealthTest: MessageTypeDefinition<_shoal_spec_v1_HealthTest, _shoal_spec_v1_HealthTest__Output>
        Placement: MessageTypeDefinition<_shoal_spec_v1_Placement, _shoal_spec_v1_Placement__Output>
        PortList: MessageTypeDefinition<_shoal_spec_v1_PortList, _shoal_spec_v1_PortList__Output>
        PortSpec: MessageTypeDefinition<_shoal_spec_v1_PortSpec, _shoal_spec_v1_PortSpec__Output>
        ResourceAmounts: MessageTypeDefinition<_shoal_spec_v1_ResourceAmounts, _shoal_spec_v1_ResourceAmounts__Output>
        RestartPolicy: MessageTypeDefinition<_shoal_spec_v1_RestartPolicy, _shoal_spec_v1_RestartPolicy__Output>
        ServiceSpec: MessageTypeDefinition<_shoal_spec_v1_ServiceSpec, _shoal_spec_v1_ServiceSpec__Output>
        SpreadList: MessageTypeDefinition<_shoal_spec_v1_SpreadList, _shoal_spec_v1_SpreadList__Output>
        SpreadPreference: MessageTypeDefinition<_shoal_spec_v1_SpreadPreference, _shoal_spec_v1_SpreadPreference__Output>
        StringList: MessageTypeDefinition<_shoal_spec_v1_StringList, _shoal_spec_v1_StringList__Output>
        StringMap: MessageTypeDefinition<_shoal_spec_v1_StringMap, _shoal_spec_v1_StringMap__Output>
        TaskResources: MessageTypeDefinition<_shoal_spec_v1_TaskResources, _shoal_spec_v1_TaskResources__Output>
        TaskSpec: MessageTypeDefinition<_shoal_spec_v1_TaskSpec, _shoal_spec_v1_TaskSpec__Output>
        UpdateConfig: MessageTypeDefinition<_shoal_spec_v1_UpdateConfig, _shoal_spec_v1_UpdateConfig__Output>
      }
    }
  }
}


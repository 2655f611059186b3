// The storage account for the Functions host, WeGrow's tables and queues, and the Flex deployment package.
// Shared keys are off: every client (host, app code, deployment) signs in with the function app's identity.
param location string
param tags object
param name string
param deploymentContainerName string

@description('The Functions host keeps its timer/singleton locks and its keys in these containers')
var hostContainerNames = ['azure-webjobs-hosts', 'azure-webjobs-secrets']

@description('Queues the app uses (poison queues are created by the host on first use)')
var queueNames = ['pair-changed', 'schedule-pair', 'send-card', 'export', 'graph-notifications']
@description('Tables the app uses')
var tableNames = ['people', 'pairs', 'series', 'agendas', 'cards', 'outcomes', 'outbox', 'runs', 'leases', 'audit', 'sync', 'subscriptions']

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

resource hostContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for container in hostContainerNames: {
    parent: blobService
    name: container
    properties: { publicAccess: 'None' }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for queue in queueNames: {
    parent: queueService
    name: queue
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for table in tableNames: {
    parent: tableService
    name: table
  }
]

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output deploymentContainerName string = deploymentContainer.name
@description('Every blob container the app identity may touch: the deployment package and the host containers')
output blobContainerNames array = [deploymentContainer.name, hostContainers[0].name, hostContainers[1].name]

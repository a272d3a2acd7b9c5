/**
 * Getting a model folder from the Hugging Face hub (or a mirror) onto this machine, safely:
 * file listing through the hub's tree API, resumable downloads verified against the hashes the
 * hub publishes, atomic installation into one fixed layout, and a manifest that lets a complete
 * folder be recognised without the network.
 */
package attnscope.model.hub;
